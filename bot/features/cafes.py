"""Virtual cafés in chat: Join (with an .ics), Leave (the waiting list moves up), Check in;
for staff, `/cafes` lists the latest cafés and `/cafes ID` shows a report.

The buttons come with the invitation and the reminders (queued by bot.engagement.cafes).
Handlers read the time from the `clock` in the dispatcher's data when there is one (tests).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
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
from bot.engagement.cafes import messages, report, service
from bot.engagement.cafes.calendar import CalendarEvent, calendar_file, local_time, zone
from bot.engagement.cafes.service import CafeOver, CheckIn
from bot.filters import IsStaff
from storage.base import utcnow
from storage.cafes import Cafe, SeatState
from storage.errors import NotFound
from storage.people import Person

log = logging.getLogger(__name__)
_ = messages.catalog.text
Clock = Callable[[], datetime]


class CafeAction(CallbackData, prefix="cf"):
    a: str  # j join, l leave, c check in
    c: int  # café id


class CafeStaff(CallbackData, prefix="cfs"):
    c: int  # café id: show its report


def leave_button(cafe_id: int, lang: str) -> InlineKeyboardMarkup:
    data = CafeAction(a=messages.LEAVE, c=cafe_id).pack()
    label = messages.button_label(messages.LEAVE, lang)
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=label, callback_data=data)]]
    )


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
    person = await session.get(Person, person_id)
    if person is None or person.telegram_id is None:
        return
    lang = person.language or config.default_language
    text = messages.promoted(cafe, lang, zone(person.timezone, config.timezone))
    try:
        await bot.send_document(
            person.telegram_id,
            calendar_for(cafe, lang, config, now),
            caption=text,
            reply_markup=leave_button(cafe.id, lang),
        )
    except TelegramAPIError as exc:  # blocked the bot: the seat is theirs all the same
        log.warning("café %s: could not tell person %s of their seat: %s", cafe.id, person_id, exc)


def report_text(found: report.CafeReport, lang: str, tz_name: str) -> str:
    tz = zone(tz_name, "UTC")
    lines = [
        f"<b>{html.escape(found.title)}</b> (#{found.id}, {found.slug})",
        local_time(found.starts_at, tz, lang),
        _(
            "Registered: %(registered)s of %(capacity)s. Waiting list: %(waiting)s. "
            "Left: %(left)s.",
            lang,
            registered=found.registered,
            capacity=found.capacity,
            waiting=found.waiting,
            left=found.left,
        ),
        _(
            "Attended: %(attended)s (%(rate)s%% of the registered).",
            lang,
            attended=found.attended,
            rate=found.attendance_rate,
        ),
    ]
    if found.evaluation_id is not None:
        lines.append(_("Evaluations submitted: %(n)s.", lang, n=found.evaluations_submitted))
        lines += [f"  · {html.escape(a.text)}: {a.average} ({a.answers})" for a in found.averages]
    for label, counts in (
        (_("Countries", lang), found.countries),
        (_("Networks", lang), found.networks),
        (_("Speakers by gender", lang), found.speaker_genders),
    ):
        if counts:
            shown = ", ".join(f"{html.escape(k)} {v}" for k, v in counts.items())
            lines.append(f"{label}: {shown}")
    return "\n".join(lines)


def build_router() -> Router:
    router = Router(name="cafes")

    @router.callback_query(CafeStaff.filter(), ~IsStaff())
    async def refuse_button(query: CallbackQuery, i18n: I18n) -> None:
        await query.answer(
            _("Only the secretariat staff can do this.", i18n.current_locale), show_alert=True
        )

    @router.message(Command("cafes"), IsStaff())
    async def list_cafes(
        message: Message,
        command: CommandObject,
        session: AsyncSession,
        i18n: I18n,
        person: Person,
        config: BotConfig,
    ) -> None:
        lang = i18n.current_locale
        tz = zone(person.timezone, config.timezone).key
        arg = (command.args or "").strip()
        if arg.isdigit():
            try:
                found = await report.cafe_report(session, int(arg), lang=lang)
            except NotFound:
                await message.answer(_("There is no café %(id)s.", lang, id=arg))
                return
            await message.answer(report_text(found, lang, tz))
            return
        cafes = await service.latest_cafes(session)
        if not cafes:
            await message.answer(
                _("No café yet. Schedule one with `aive cafes create FILE.yaml`.", lang)
            )
            return
        for cafe in cafes:
            text = (
                f"#{cafe.id} <b>{messages.title(cafe, lang)}</b>\n"
                f"{local_time(cafe.starts_at, zone(tz, 'UTC'), lang)} · "
                f"{cafe.seats_taken}/{cafe.capacity}"
            )
            markup = InlineKeyboardMarkup(
                inline_keyboard=[
                    [
                        InlineKeyboardButton(
                            text=_("Report", lang), callback_data=CafeStaff(c=cafe.id).pack()
                        )
                    ]
                ]
            )
            await message.answer(text, reply_markup=markup)

    @router.callback_query(CafeStaff.filter(), IsStaff())
    async def show_report(
        query: CallbackQuery,
        callback_data: CafeStaff,
        session: AsyncSession,
        i18n: I18n,
        person: Person,
        config: BotConfig,
    ) -> None:
        lang = i18n.current_locale
        try:
            found = await report.cafe_report(session, callback_data.c, lang=lang)
        except NotFound:
            await query.answer(_("This café no longer exists.", lang), show_alert=True)
            return
        await query.answer()
        if isinstance(query.message, Message):
            tz = zone(person.timezone, config.timezone).key
            await query.message.answer(report_text(found, lang, tz))

    @router.callback_query(CafeAction.filter())
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

    return router


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
    zone_info = zone(person.timezone, config.timezone)
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
