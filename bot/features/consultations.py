"""Answering a consultation in chat: a question per screen, buttons for choices, typing for
text and numbers, Back / Skip, a review before Submit, changes until closing. A button turns its
message into the next screen (the progress `3/7` tells where one is, the review lists every
answer); a typed answer gets the next screen as a new message.

Progress lives in the database (the engine commits every answer), never only in FSM storage:
a person who stops, or a restarted bot, resumes at the same question. Every button carries the
response and the question it belongs to; a button of an earlier step is answered with a short
notice and the current screen is shown again. A button also carries the response's version:
pressed after someone else saved the answers (in the bot or on the web), it changes nothing and
the answers as they are now are shown. Questions and the review offer the same response on the
web (a URL button, when the site is served over HTTPS).
"""

from __future__ import annotations

import contextlib
import html
from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import BotConfig
from bot.features import consultation_screens as screens
from bot.features.consultation_moves import changed_since, is_current, perform
from bot.features.consultation_screens import Act, OpenConsultation, Step
from bot.features.consultation_web import changed_meanwhile, web_link
from bot.features.consultation_welcome import welcome
from engagement.consultations import answering
from engagement.consultations.errors import (
    AnswersChanged,
    InvalidAnswer,
    Refusal,
    ResponseRefused,
)
from engagement.consultations.messages import explain_answer, explain_refusal
from engagement.consultations.opening import open_consultation, pressed_response
from engagement.consultations.response_access import ResponseView
from engagement.consultations.schema import QuestionType
from engagement.reader_time import person_zone
from storage import consultations_queries as q
from storage.base import utcnow
from storage.errors import NotFound
from storage.people import Person

_ = screens.catalog.text
DEEP_LINK = r"^c(\d{1,9})$"  # /start c<consultation id>
TYPED_GRACE = timedelta(days=7)  # typing into a consultation closed since then: told it closed


async def opening_screen(
    session: AsyncSession, person: Person, consultation_id: int, lang: str, config: BotConfig
) -> screens.Screen:
    """The first screen when a person opens a consultation (invite button or deep link)."""
    try:
        opening = await open_consultation(session, consultation_id, person, language=lang)
    except NotFound:
        return _("This consultation no longer exists.", lang), None
    except ResponseRefused as refused:
        return explain_refusal(refused.reason, lang), None
    view, city = opening.view, opening.city_name
    tz = await person_zone(session, person, config.timezone)
    preamble = welcome(view, lang, city=city, last_by=opening.last_by, is_me=opening.is_me, tz=tz)
    link = web_link(config, view, person.id)
    return screens.current_screen(view, lang, city, preamble, tz=tz, just_sent=False, web_link=link)


async def _send(message: Message, screen: screens.Screen) -> None:
    text, markup = screen
    await message.answer(text, reply_markup=markup)


async def _replace(message: Message, screen: screens.Screen) -> None:
    """Turn the message whose button was pressed into the next screen: one Bot API call, one
    message per consultation in the chat (the review lists every answer before Submit). A new
    message when it cannot be edited (deleted, or Telegram refuses the edit)."""
    text, markup = screen
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "not modified" not in error.message:
            await message.answer(text, reply_markup=markup)


async def deep_link(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
    config: BotConfig,
) -> None:
    consultation_id = int((command.args or "c0")[1:])
    lang = i18n.current_locale
    await _send(message, await opening_screen(session, person, consultation_id, lang, config))


async def open_pressed(
    query: CallbackQuery,
    callback_data: OpenConsultation,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
    config: BotConfig,
) -> None:
    lang = i18n.current_locale
    text, markup = await opening_screen(session, person, callback_data.c, lang, config)
    if markup is None:  # refused: closed, not open yet, not addressed to this person
        await query.answer(text, show_alert=True)
        closed = explain_refusal(Refusal.closed, lang)
        if text == closed and isinstance(query.message, Message):
            await _mark_closed(query.message, closed)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(text, reply_markup=markup)


async def step(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
    config: BotConfig,
) -> None:
    lang = i18n.current_locale
    tz = await person_zone(session, person, config.timezone)
    message = query.message if isinstance(query.message, Message) else None
    try:
        pressed = await pressed_response(session, callback_data.r, person, language=lang)
    except NotFound:
        await query.answer(_("This consultation no longer exists.", lang), show_alert=True)
        return
    except ResponseRefused as refused:
        await _refuse(query, message, refused, lang)
        return
    view, city_name = pressed.view, pressed.city_name
    if view.response_id != callback_data.r or not is_current(view, callback_data):
        await _stale(query, message, view, lang, city_name, tz)
        return
    if changed_since(view, callback_data):
        await _changed(query, message, view, lang, city_name, tz)
        return
    try:
        moved = await perform(session, view, callback_data, person.id, pressed.target)
    except AnswersChanged:
        await session.rollback()
        await _changed(query, message, view, lang, city_name, tz)
        return
    except InvalidAnswer as error:
        await session.rollback()
        await query.answer(explain_answer(error, lang), show_alert=True)
        return
    except ResponseRefused as refused:
        await _refuse(query, message, refused, lang)
        return
    if moved is None:
        await _stale(query, message, view, lang, city_name, tz)
        return
    await query.answer()
    if message is None:
        return
    link = web_link(config, moved, person.id)
    if callback_data.a == Act.toggle:  # the same question: its buttons, with the new version
        assert moved.current is not None
        markup = screens.question_screen(moved, lang, web_link=link)[1]
        with contextlib.suppress(TelegramBadRequest):
            await message.edit_reply_markup(reply_markup=markup)
        return
    await _replace(message, screens.current_screen(moved, lang, city_name, tz=tz, web_link=link))


async def typed(
    message: Message, session: AsyncSession, person: Person, i18n: I18n, config: BotConfig
) -> None:
    lang = i18n.current_locale
    cities = [r.city_id for r in person.roles if r.city_id is not None]
    found = await q.responses_in_progress_for(
        session, person.id, cities, closed_since=utcnow() - TYPED_GRACE
    )
    if not found:
        raise SkipHandler()
    try:
        pressed = await pressed_response(session, found[0].id, person, language=lang)
    except ResponseRefused as refused:
        if refused.reason != Refusal.closed:
            raise SkipHandler() from None
        await message.answer(explain_refusal(refused.reason, lang))
        return
    view, city_name = pressed.view, pressed.city_name
    question = view.current
    if question is None or view.submitted:
        raise SkipHandler()
    if question.type not in (QuestionType.text, QuestionType.number):
        await message.answer(_("Please answer with the buttons below the question.", lang))
        await _send(message, screens.question_screen(view, lang))
        return
    try:
        moved = await answering.answer(
            session,
            pressed.target,
            question.id,
            message.text,
            person_id=person.id,
            review_when_complete=True,
        )
    except InvalidAnswer as error:
        await session.rollback()
        await message.answer(screens.refused_answer(question, error, lang))
        return
    tz = await person_zone(session, person, config.timezone)
    link = web_link(config, moved, person.id)
    await _send(message, screens.current_screen(moved, lang, city_name, tz=tz, web_link=link))


async def _refuse(
    query: CallbackQuery, message: Message | None, refused: ResponseRefused, lang: str
) -> None:
    """A closed (or otherwise refused) consultation: say why, and take the dead buttons away."""
    explanation = explain_refusal(refused.reason, lang)
    await query.answer(explanation, show_alert=True)
    if message is not None and refused.reason == Refusal.closed:
        await _mark_closed(message, explanation)
    elif message is not None and refused.reason == Refusal.not_eligible:
        with contextlib.suppress(TelegramBadRequest):
            await message.edit_reply_markup(reply_markup=None)


async def _mark_closed(message: Message, explanation: str) -> None:
    """An old message of a closed consultation ("you can change them until …", a button):
    it now ends with why nothing can be changed, and loses its buttons."""
    with contextlib.suppress(TelegramBadRequest):
        await message.edit_text(
            f"{message.html_text}\n\n<b>{html.escape(explanation)}</b>", reply_markup=None
        )


async def _stale(
    query: CallbackQuery,
    message: Message | None,
    view: ResponseView,
    lang: str,
    city: str | None,
    tz: ZoneInfo,
) -> None:
    await query.answer(
        _("That button belongs to an earlier step. Here is where your answers are now.", lang)
    )
    if message is not None:
        with contextlib.suppress(TelegramBadRequest):
            await message.edit_reply_markup(reply_markup=None)
        await _send(message, screens.current_screen(view, lang, city, tz=tz))


async def _changed(
    query: CallbackQuery,
    message: Message | None,
    view: ResponseView,
    lang: str,
    city: str | None,
    tz: ZoneInfo,
) -> None:
    """Someone saved the answers since this screen was shown: nothing is saved; say so and
    show the answers as they are now."""
    notice, screen = changed_meanwhile(view, lang, city, tz)
    await query.answer(notice, show_alert=True)
    if message is not None:
        with contextlib.suppress(TelegramBadRequest):
            await message.edit_reply_markup(reply_markup=None)
        await _send(message, screen)


def build_router() -> Router:
    router = Router(name="consultations")
    router.message.register(deep_link, CommandStart(deep_link=True, magic=F.args.regexp(DEEP_LINK)))
    router.callback_query.register(open_pressed, OpenConsultation.filter())
    router.callback_query.register(step, Step.filter())
    router.message.register(
        typed, F.chat.type == "private", F.text, ~F.text.startswith("/"), StateFilter(None)
    )
    return router
