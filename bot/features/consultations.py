"""Answering a consultation in chat: a question per screen, buttons for choices, typing for
text and numbers, Back / Skip, a review before Submit, changes until closing. A button turns its
message into the next screen (the progress `3/7` tells where one is, the review lists every
answer); a typed answer gets the next screen as a new message.

Progress lives in the database (the engine commits every answer), never only in FSM storage:
a person who stops, or a restarted bot, resumes at the same question. Every button carries the
response and the question it belongs to; a button of an earlier step is answered with a short
notice and the current screen is shown again.
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
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import BotConfig
from bot.features import consultation_screens as screens
from bot.features.consultation_screens import Act, OpenConsultation, Step
from engagement.consultations import answering, response_access
from engagement.consultations.errors import (
    AnswersChanged,
    InvalidAnswer,
    Refusal,
    ResponseRefused,
)
from engagement.consultations.messages import explain_answer, explain_refusal
from engagement.consultations.response_access import ResponseView
from engagement.consultations.schema import QuestionType
from engagement.consultations.web_links import AnswerLink, answer_url, make_token
from engagement.reader_time import zone_of
from storage import consultation_queries as q
from storage.base import utcnow
from storage.errors import NotFound
from storage.networks import City
from storage.people import Person

_ = screens.catalog.text
DEEP_LINK = r"^c(\d{1,9})$"  # /start c<consultation id>
TYPED_GRACE = timedelta(days=7)  # typing into a consultation closed since then: told it closed


Target = response_access.Opened | int  # a response already read, or its id
CHANGING = frozenset({Act.option, Act.toggle, Act.done, Act.skip, Act.submit})


def web_link(config: BotConfig, view: ResponseView, person: Person) -> str | None:
    """The person's signed link to the same response on the web; None unless the site is
    served over HTTPS (Telegram refuses other button URLs)."""
    if not config.public_url.startswith("https://"):
        return None
    city = view.city_id if view.definition.one_response_per.value == "city" else None
    token = make_token(AnswerLink(view.consultation_id, person.id, city), config.signing_key)
    return answer_url(config.public_url, view.definition.slug, token)


async def _city_name(session: AsyncSession, view: ResponseView) -> str | None:
    if view.city_id is None or view.definition.one_response_per.value != "city":
        return None
    return await session.scalar(select(City.name).where(City.id == view.city_id))


async def opening_screen(
    session: AsyncSession,
    person: Person,
    consultation_id: int,
    lang: str,
    secretariat_zone: str,
    config: BotConfig | None = None,
) -> screens.Screen:
    """The first screen when a person opens a consultation (invite button or deep link)."""
    try:
        view = await response_access.start_or_resume(
            session, consultation_id, person.id, language=lang
        )
    except NotFound:
        return _("This consultation no longer exists.", lang), None
    except ResponseRefused as refused:
        return explain_refusal(refused.reason, lang), None
    response = await q.get_response(session, view.response_id)
    last = await session.get(Person, response.person_id) if response.person_id else None
    city = await _city_name(session, view)
    tz = await zone_of(session, person.id, secretariat_zone)
    preamble = screens.welcome(
        view,
        lang,
        city=city,
        last_by=last.display_name if last else None,
        is_me=response.person_id == person.id,
        tz=tz,
    )
    link = web_link(config, view, person) if config is not None else None
    return screens.current_screen(view, lang, city, preamble, tz=tz, just_sent=False, web_link=link)


def _is_current(view: ResponseView, data: Step) -> bool:
    if data.a == Act.change:
        return view.submitted
    if view.submitted:
        return False
    return screens.index_of(view, view.current) == data.q


async def _perform(
    session: AsyncSession, view: ResponseView, data: Step, person: Person, target: Target
) -> ResponseView | None:
    """Carry out a button; None when the button does not fit the question (stale). `target` is
    the response already read (`response_access.Opened`), or its id."""
    pid = person.id
    question = view.current
    if data.a == Act.back:
        return await answering.back(session, target, person_id=pid)
    if data.a == Act.submit:
        return await answering.submit(session, target, person_id=pid)
    if data.a == Act.change:
        return await answering.reopen(session, target, person_id=pid, at_review=True)
    if data.a == Act.edit:
        questions = view.definition.questions
        if not 0 <= data.o < len(questions):
            return None
        return await answering.go_to(session, target, questions[data.o].id, person_id=pid)
    if question is None:
        return None
    if data.a == Act.toggle:
        option = screens.option_value(question, data.o)
        if not isinstance(option, str) or question.type != QuestionType.multi_choice:
            return None
        return await answering.toggle(session, target, question.id, option, person_id=pid)
    if data.a == Act.skip:
        return await answering.skip(
            session, target, question.id, person_id=pid, review_when_complete=True
        )
    if data.a == Act.done:
        chosen = view.answers.get(question.id)
        value: object = chosen if isinstance(chosen, list) else []
    else:
        value = screens.option_value(question, data.o)
        if value is None or question.type == QuestionType.multi_choice:
            return None
    return await answering.answer(
        session, target, question.id, value, person_id=pid, review_when_complete=True
    )


async def _open(
    session: AsyncSession, response_id: int, person: Person, lang: str
) -> tuple[ResponseView, Target, str | None]:
    """The response a button or a typed answer is about, read once when it is the person's
    own (the usual case); otherwise as `start_or_resume` finds the person's response."""
    opened = await response_access.open_response(session, response_id, person)
    if opened is not None:
        return opened.view, opened, opened.city_name
    response = await q.get_response(session, response_id)
    city = response.city_id if response.unit == "city" else None
    view = await response_access.start_or_resume(
        session, response.consultation_id, person.id, language=lang, city_id=city
    )
    return view, view.response_id, await _city_name(session, view)


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


def build_router() -> Router:
    router = Router(name="consultations")

    @router.message(CommandStart(deep_link=True, magic=F.args.regexp(DEEP_LINK)))
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
        await _send(
            message,
            await opening_screen(session, person, consultation_id, lang, config.timezone, config),
        )

    @router.callback_query(OpenConsultation.filter())
    async def open_pressed(
        query: CallbackQuery,
        callback_data: OpenConsultation,
        session: AsyncSession,
        person: Person,
        i18n: I18n,
        config: BotConfig,
    ) -> None:
        lang = i18n.current_locale
        text, markup = await opening_screen(
            session, person, callback_data.c, lang, config.timezone, config
        )
        if markup is None:  # refused: closed, not open yet, not addressed to this person
            await query.answer(text, show_alert=True)
            closed = explain_refusal(Refusal.closed, lang)
            if text == closed and isinstance(query.message, Message):
                await _mark_closed(query.message, closed)
            return
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.answer(text, reply_markup=markup)

    @router.callback_query(Step.filter())
    async def step(
        query: CallbackQuery,
        callback_data: Step,
        session: AsyncSession,
        person: Person,
        i18n: I18n,
        config: BotConfig,
    ) -> None:
        lang = i18n.current_locale
        tz = await zone_of(session, person.id, config.timezone)
        message = query.message if isinstance(query.message, Message) else None
        try:
            view, target, city_name = await _open(session, callback_data.r, person, lang)
        except NotFound:
            await query.answer(_("This consultation no longer exists.", lang), show_alert=True)
            return
        except ResponseRefused as refused:
            await _refuse(query, message, refused, lang)
            return
        if view.response_id != callback_data.r or not _is_current(view, callback_data):
            await _stale(query, message, view, lang, city_name, tz)
            return
        if callback_data.a in CHANGING and 0 <= callback_data.v != view.version:
            await _changed_meanwhile(query, message, view, lang, city_name, tz)
            return
        try:
            moved = await _perform(session, view, callback_data, person, target)
        except AnswersChanged:
            await session.rollback()
            await _changed_meanwhile(query, message, view, lang, city_name, tz)
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
        if callback_data.a == Act.toggle:
            assert moved.current is not None
            with contextlib.suppress(TelegramBadRequest):
                await message.edit_reply_markup(
                    reply_markup=screens.question_screen(moved, lang)[1]
                )
            return
        link = web_link(config, moved, person)
        await _replace(
            message, screens.current_screen(moved, lang, city_name, tz=tz, web_link=link)
        )

    @router.message(F.chat.type == "private", F.text, ~F.text.startswith("/"), StateFilter(None))
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
            view, target, city_name = await _open(session, found[0].id, person, lang)
        except ResponseRefused as refused:
            if refused.reason != Refusal.closed:
                raise SkipHandler() from None
            await message.answer(explain_refusal(refused.reason, lang))
            return
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
                target,
                question.id,
                message.text,
                person_id=person.id,
                review_when_complete=True,
            )
        except InvalidAnswer as error:
            await session.rollback()
            await message.answer(screens.refused_answer(question, error, lang))
            return
        tz = await zone_of(session, person.id, config.timezone)
        link = web_link(config, moved, person)
        await _send(message, screens.current_screen(moved, lang, city_name, tz=tz, web_link=link))

    return router


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


async def _changed_meanwhile(
    query: CallbackQuery,
    message: Message | None,
    view: ResponseView,
    lang: str,
    city: str | None,
    tz: ZoneInfo,
) -> None:
    """Someone saved the city's answers (in the bot or on the web) since this screen was
    shown: nothing is saved; say so and show the answers as they are now."""
    await query.answer(
        _(
            "Someone else changed these answers meanwhile (in the bot or on the web); yours "
            "was not saved. Here they are now: please check, then answer again.",
            lang,
        ),
        show_alert=True,
    )
    if message is not None:
        with contextlib.suppress(TelegramBadRequest):
            await message.edit_reply_markup(reply_markup=None)
        lines = screens.answers_list(view, lang)
        preamble = "\n".join(lines)
        await _send(message, screens.current_screen(view, lang, city, preamble, tz=tz))
