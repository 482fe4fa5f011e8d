"""The International Day campaign for the secretariat, in chat: `/campaign [YEAR]` shows every
step with its date, status, audience and reach; "Who gets …?" shows what a step would send if
launched now (nothing is sent); Report gives the figures and the chart. Staff only.
"""

from __future__ import annotations

import asyncio
import html
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import F, Router
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
from bot.i18n import FeatureCatalog
from campaigns import report_data, service
from campaigns.config import CampaignConfig
from campaigns.errors import CampaignError
from campaigns.plan import DryRun, PlanLine, dry_run, plan
from campaigns.report import CampaignReport, chart_png
from storage.base import utcnow
from storage.campaigns import Campaign

catalog = FeatureCatalog("campaign_staff")
_ = catalog.text


class CampaignAction(CallbackData, prefix="cp"):
    y: int  # year
    a: str  # "report" or "dry" (step `s`)
    s: str = ""


def _config(config: BotConfig) -> CampaignConfig:
    return CampaignConfig(
        timezone=config.timezone,
        public_url=config.public_url,
        default_language=config.default_language,
    )


def audience_label(audience: str, lang: str) -> str:
    labels = {
        "city_representatives": _("city representatives", lang),
        "everyone": _("everyone in the bot", lang),
    }
    return labels.get(audience, audience)


def status_label(status: str, lang: str) -> str:
    labels = {
        "planned": _("planned", lang),
        "launched": _("launched", lang),
        "paused": _("paused", lang),
        "done": _("done", lang),
        "active": _("active", lang),
    }
    return labels.get(status, status)


def is_overdue(line: PlanLine, now: datetime) -> bool:
    """A step whose time has passed without being launched (the scheduler was down): it is
    shown as past, and nobody would get it any more."""
    return line.status in ("planned", "paused") and line.due_at <= now


def plan_text(campaign: Campaign, lines: list[PlanLine], lang: str, now: datetime) -> str:
    head = _(
        "<b>International Day %(year)s</b> (%(status)s)",
        lang,
        year=campaign.year,
        status=status_label(campaign.status.value, lang),
    )
    out = [head + (f": {html.escape(campaign.theme)}" if campaign.theme else "")]
    for line in lines:
        out.append(
            _(
                "<b>%(step)s</b> · %(when)s · %(status)s\n"
                "    chat: %(audience)s · %(emails)s emails, %(chats)s chats",
                lang,
                step=line.key.upper(),
                when=line.local,
                status=(
                    _("past, not launched", lang)
                    if is_overdue(line, now)
                    else status_label(line.status, lang)
                ),
                audience=audience_label(line.chat_audience, lang),
                emails=line.emails,
                chats=line.chats,
            )
        )
    return "\n".join(out)


def plan_keyboard(
    year: int, lines: list[PlanLine], lang: str, now: datetime
) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=_("Who gets %(step)s?", lang, step=line.key.upper()),
                callback_data=CampaignAction(y=year, a="dry", s=line.key).pack(),
            )
        ]
        for line in lines
        if line.status in ("planned", "paused") and not is_overdue(line, now)
    ]
    report = CampaignAction(y=year, a="report").pack()
    rows.append([InlineKeyboardButton(text=_("Report", lang), callback_data=report)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def dry_run_text(found: DryRun, lang: str) -> str:
    def counts(by_language: dict[str, int]) -> str:
        return ", ".join(f"{code} {n}" for code, n in by_language.items()) or "0"

    out = [
        _(
            "<b>%(step)s</b>, if it were launched now (nothing is sent):",
            lang,
            step=found.key.upper(),
        ),
        _("Emails: %(counts)s", lang, counts=counts(found.emails_by_language)),
        _("Chats: %(counts)s", lang, counts=counts(found.chats_by_language)),
    ]
    out += [f"  {code}: «{html.escape(subject)}»" for code, subject in found.subjects.items()]
    if found.first_chats:
        names = ", ".join(html.escape(str(n)) for n in found.first_chats)
        out.append(_("First in the chat list: %(names)s", lang, names=names))
    return "\n".join(out)


def report_text(found: CampaignReport, lang: str) -> str:
    document = found.to_json()
    emails, chat = document["emails"], document["chat"]
    return _(
        "<b>International Day %(year)s</b>: %(cities)s cities taking part, %(activities)s "
        "activities in %(countries)s countries.\n"
        "Emails: %(accepted)s accepted, %(opened)s opened (%(rate)s%%). "
        "Chat: %(sent)s messages to %(people)s people.",
        lang,
        year=found.year,
        cities=document["cities_taking_part"],
        activities=document["activities"]["total"],
        countries=found.countries,
        accepted=emails["accepted"],
        opened=emails["opened"],
        rate=emails["open_rate"],
        sent=chat["sent"],
        people=chat["people_reached"],
    )


async def show_plan(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    i18n: I18n,
    config: BotConfig,
) -> None:
    lang = i18n.current_locale
    arg = (command.args or "").strip()
    year = int(arg) if arg.isdigit() else datetime.now(ZoneInfo(config.timezone)).year
    try:
        campaign = await service.get_campaign(session, year)
    except CampaignError:
        await message.answer(
            _(
                "There is no campaign for %(year)s yet. It is created with "
                "`aive campaign create --year %(year)s`.",
                lang,
                year=year,
            )
        )
        return
    lines = await plan(session, campaign, _config(config))
    now = utcnow()
    await message.answer(
        plan_text(campaign, lines, lang, now),
        reply_markup=plan_keyboard(year, lines, lang, now),
    )


async def show_dry_run(
    query: CallbackQuery,
    callback_data: CampaignAction,
    session: AsyncSession,
    i18n: I18n,
    config: BotConfig,
) -> None:
    lang = i18n.current_locale
    try:
        campaign = await service.get_campaign(session, callback_data.y)
        found = await dry_run(session, campaign, callback_data.s, _config(config))
    except (CampaignError, ValueError):
        await query.answer(_("This campaign or step no longer exists.", lang), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(dry_run_text(found, lang))


async def show_report(
    query: CallbackQuery, callback_data: CampaignAction, session: AsyncSession, i18n: I18n
) -> None:
    lang = i18n.current_locale
    try:
        campaign = await service.get_campaign(session, callback_data.y)
    except CampaignError:
        await query.answer(_("This campaign or step no longer exists.", lang), show_alert=True)
        return
    found = await report_data.campaign_report(session, campaign)
    await query.answer()
    if isinstance(query.message, Message):
        png = await asyncio.to_thread(chart_png, found, lang)
        await query.message.answer_photo(
            BufferedInputFile(png, filename=f"international-day-{found.year}.png"),
            caption=report_text(found, lang),
        )


def build_router() -> Router:
    router = Router(name="campaign_staff")
    router.message.register(show_plan, Command("campaign"))
    router.callback_query.register(show_dry_run, CampaignAction.filter(F.a == "dry"))
    router.callback_query.register(show_report, CampaignAction.filter(F.a == "report"))
    return router
