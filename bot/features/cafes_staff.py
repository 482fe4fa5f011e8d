"""Cafés for the secretariat staff: `/cafes` lists the latest cafés with a Report button,
`/cafes ID` shows one report, and a café YAML file sent with the caption `/cafes` schedules (or
updates) the café and invites its audience, as `aive cafes create` does. Behind the staff gate."""

from __future__ import annotations

import html
from collections.abc import Sequence

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import BotConfig
from bot.staff_files import Reply, Upload, YamlFile, receive_yaml_file
from engagement.cafes import jobs, messages, report, service
from engagement.cafes.schema import load_cafe
from i18n.times import local_time, zone
from storage import consultations_queries as q
from storage.base import utcnow
from storage.cafes import Cafe
from storage.errors import NotFound
from storage.people import Person

_ = messages.catalog.text


class CafeStaff(CallbackData, prefix="cfs"):
    c: int  # café id: show its report


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


async def schedule_cafe(source: str, upload: Upload) -> Sequence[Reply]:
    """A café YAML sent by staff: scheduled (or updated), its audience invited
    (CafeDefinitionError when refused)."""
    session, person, config, lang = upload.session, upload.person, upload.config, upload.lang
    definition = load_cafe(source, None, await q.all_network_slugs(session))
    done, invited = await jobs.schedule_and_invite(
        session,
        definition,
        invite=True,
        actor=f"telegram:{person.telegram_id}",
        now=utcnow(),
        default_timezone=config.timezone,
        default_language=config.default_language,
    )
    tz = zone(person.timezone, config.timezone)
    text = _(
        "Café #%(id)s (%(slug)s) saved for %(when)s; invitations queued: %(n)s.",
        lang,
        id=done.cafe.id,
        slug=html.escape(done.cafe.slug),
        when=local_time(done.cafe.starts_at, tz, lang),
        n=invited,
    )
    return [(text, None)]


CAFE_FILE = YamlFile(
    too_large=lambda lang: _("This file is too large for a café (256 KB at most).", lang),
    refused=lambda lang: _("The café was not scheduled:", lang),
    accept=schedule_cafe,
)


def _cafe_line(cafe: Cafe, lang: str, tz: str) -> Reply:
    text = (
        f"#{cafe.id} <b>{messages.title(cafe, lang)}</b>\n"
        f"{local_time(cafe.starts_at, zone(tz, 'UTC'), lang)} · "
        f"{cafe.seats_taken}/{cafe.capacity}"
    )
    button = InlineKeyboardButton(text=_("Report", lang), callback_data=CafeStaff(c=cafe.id).pack())
    return text, InlineKeyboardMarkup(inline_keyboard=[[button]])


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
            _(
                "No café yet. To schedule one, send its YAML file here with the caption "
                "/cafes (or use `aive cafes create FILE.yaml`).",
                lang,
            )
        )
        return
    for cafe in cafes:
        text, markup = _cafe_line(cafe, lang, tz)
        await message.answer(text, reply_markup=markup)


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


def build_router() -> Router:
    router = Router(name="cafes_staff")
    router.message.register(receive_yaml_file, Command("cafes"), CAFE_FILE)
    router.message.register(list_cafes, Command("cafes"))
    router.callback_query.register(show_report, CafeStaff.filter())
    return router
