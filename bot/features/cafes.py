"""Virtual cafés in chat: Join (with an .ics), Leave (the waiting list moves up), Check in;
`/start f<id>` (the link on the café's public page) shows the invitation to whoever the café is
for. The staff's `/cafes` is in bot.features.cafes_staff.

The buttons come with the invitation and the reminders (queued by engagement.cafes).
Handlers read the time from the `clock` in the dispatcher's data when there is one (tests).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import BotConfig
from engagement.cafes import messages, service
from engagement.cafes.calendar import CalendarEvent, calendar_file
from engagement.cafes.service import CafeOver, CheckIn
from engagement.reader_time import person_zone
from storage import people_queries
from storage.base import utcnow
from storage.cafes import Cafe, SeatState
from storage.errors import NotFound
from storage.people import Person

log = logging.getLogger(__name__)
_ = messages.catalog.text
Clock = Callable[[], datetime]
DEEP_LINK = r"^f(\d{1,9})$"  # /start f<café id>


class CafeAction(CallbackData, prefix="cf"):
    a: str  # j join, l leave, c check in
    c: int  # café id


def action_button(action: str, cafe_id: int, lang: str) -> InlineKeyboardMarkup:
    data = CafeAction(a=action, c=cafe_id).pack()
    label = messages.button_label(action, lang)
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=label, callback_data=data)]]
    )


def leave_button(cafe_id: int, lang: str) -> InlineKeyboardMarkup:
    return action_button(messages.LEAVE, cafe_id, lang)


def calendar_for(cafe: Cafe, lang: str, config: BotConfig, now: datetime) -> BufferedInputFile:
    event = CalendarEvent(
        cafe.id,
        cafe.titles,
        cafe.descriptions,
        cafe.starts_at,
        cafe.duration_minutes,
        cafe.sequence,
    )
    host = urlsplit(config.public_url).hostname or "aive.local"
    data = calendar_file(event, lang, now=now, host=host)
    return BufferedInputFile(data, filename=f"{cafe.slug}.ics")


async def send_promotion(
    bot: Bot, session: AsyncSession, cafe: Cafe, person_id: int, config: BotConfig, now: datetime
) -> None:
    """Tell someone taken off the waiting list, in their language and timezone, with the .ics."""
    person = await people_queries.person_by_id(session, person_id)
    if person is None or person.telegram_id is None:
        return
    lang = person.language or config.default_language
    text = messages.promoted(cafe, lang, await person_zone(session, person, config.timezone))
    try:
        await bot.send_document(
            person.telegram_id,
            calendar_for(cafe, lang, config, now),
            caption=text,
            reply_markup=leave_button(cafe.id, lang),
        )
    except TelegramAPIError as exc:  # blocked the bot: the seat is theirs all the same
        log.warning("café %s: could not tell person %s of their seat: %s", cafe.id, person_id, exc)


async def deep_link(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
    config: BotConfig,
    clock: Clock = utcnow,
) -> None:
    lang = i18n.current_locale
    try:
        cafe = await service.get_cafe(session, int((command.args or "f0")[1:]))
    except NotFound:
        await message.answer(_("This café no longer exists.", lang))
        return
    if clock() >= cafe.ends_at:
        await message.answer(_("This café is over.", lang))
    elif not await service.in_audience(session, cafe, person.id):
        await message.answer(messages.not_for_you(cafe, lang))
    else:
        text = messages.invitation(cafe, lang, await person_zone(session, person, config.timezone))
        await message.answer(text, reply_markup=action_button(messages.JOIN, cafe.id, lang))


async def act(
    query: CallbackQuery,
    callback_data: CafeAction,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
    config: BotConfig,
    bot: Bot,
    clock: Clock = utcnow,
) -> None:
    lang = i18n.current_locale
    now = clock()
    try:
        if callback_data.a == messages.JOIN:
            await _join(query, session, person, callback_data.c, lang, config, now)
        elif callback_data.a == messages.LEAVE:
            await _leave(query, session, person, callback_data.c, lang, config, bot, now)
        elif callback_data.a == messages.CHECK_IN:
            await _check_in(query, session, person, callback_data.c, lang, now)
        else:
            await query.answer()
    except NotFound:
        await query.answer(_("This café no longer exists.", lang), show_alert=True)
    except CafeOver:
        await query.answer(_("This café is over.", lang), show_alert=True)


async def _join(
    query: CallbackQuery,
    session: AsyncSession,
    person: Person,
    cafe_id: int,
    lang: str,
    config: BotConfig,
    now: datetime,
) -> None:
    joined = await service.join(session, cafe_id, person.id, now=now)
    cafe, change = joined.cafe, joined.change
    message = query.message if isinstance(query.message, Message) else None
    if change.before == change.after:  # pressed again
        if change.after == SeatState.registered:
            text = _("You are already registered.", lang)
        else:
            text = _("You are already on the waiting list (number %(n)s).", lang, n=joined.position)
        await query.answer(text, show_alert=True)
        return
    await query.answer()
    if message is None:
        return
    zone_info = await person_zone(session, person, config.timezone)
    if change.after == SeatState.registered:
        await message.answer_document(
            calendar_for(cafe, lang, config, now),
            caption=messages.registered(cafe, lang, zone_info),
            reply_markup=leave_button(cafe.id, lang),
        )
    else:
        await message.answer(
            messages.waiting(cafe, lang, joined.position or 1),
            reply_markup=leave_button(cafe.id, lang),
        )


async def _leave(
    query: CallbackQuery,
    session: AsyncSession,
    person: Person,
    cafe_id: int,
    lang: str,
    config: BotConfig,
    bot: Bot,
    now: datetime,
) -> None:
    change = await service.leave(session, cafe_id, person.id, now=now)
    if change.before not in (SeatState.registered, SeatState.waiting):
        await query.answer(_("You are not registered for this café.", lang), show_alert=True)
        return
    cafe = await service.get_cafe(session, cafe_id)
    if change.before == SeatState.registered:
        text = _(
            "You left <b>%(title)s</b>; your place goes to someone else.",
            lang,
            title=messages.title(cafe, lang),
        )
    else:
        text = _(
            "You left the waiting list of <b>%(title)s</b>.", lang, title=messages.title(cafe, lang)
        )
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(text)
    for promoted in change.promoted:
        await send_promotion(bot, session, cafe, promoted, config, now)


async def _check_in(
    query: CallbackQuery,
    session: AsyncSession,
    person: Person,
    cafe_id: int,
    lang: str,
    now: datetime,
) -> None:
    outcome = await service.check_in(session, cafe_id, person.id, now=now)
    texts = {
        CheckIn.done: _("Thank you, your attendance is recorded.", lang),
        CheckIn.already: _("Your attendance is already recorded.", lang),
        CheckIn.too_early: _("Check-in opens ten minutes before the start.", lang),
        CheckIn.over: _("This café is over.", lang),
        CheckIn.not_registered: _("You are not registered for this café.", lang),
    }
    await query.answer(texts[outcome], show_alert=outcome != CheckIn.done)
    if outcome == CheckIn.done and isinstance(query.message, Message):
        await query.message.answer(texts[outcome])


def build_router() -> Router:
    router = Router(name="cafes")
    router.message.register(deep_link, CommandStart(deep_link=True, magic=F.args.regexp(DEEP_LINK)))
    router.callback_query.register(act, CafeAction.filter())
    return router
