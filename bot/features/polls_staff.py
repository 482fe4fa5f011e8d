"""Polls for the secretariat: `/polls` lists the latest polls with a Results button (text, then
a bar chart PNG); `/polls ID` shows one. A YAML file sent as a document with the caption
`/polls` creates a poll (the same format as `aive polls create`). Behind the staff gate."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from aiogram import Router
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
from bot.staff_files import MESSAGE_LIMIT, Reply, Upload, YamlFile, receive_yaml_file
from engagement.consultations.schema import localized
from engagement.polls import service
from engagement.polls.chart import results_chart
from engagement.polls.results import PollResults
from i18n.times import staff_time
from storage import polls_queries as q
from storage.errors import NotFound
from storage.polls import Poll, PollStatus

catalog = FeatureCatalog("polls")
_ = catalog.text
COMMAND = "polls"


class PollAction(CallbackData, prefix="pl"):
    a: str  # r results
    p: int  # poll id


def _line(poll: Poll, lang: str, tz: ZoneInfo) -> str:
    status = _("open", lang) if poll.status == PollStatus.open else _("closed", lang)
    return _(
        "#%(id)s <b>%(question)s</b> (%(slug)s): %(status)s, closes %(closes)s",
        lang,
        id=poll.id,
        question=html.escape(localized(poll.question, lang)),
        slug=poll.slug,
        status=status,
        closes=staff_time(poll.closes_at, tz),
    )


def _results_button(poll_id: int, lang: str) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        text=_("Results", lang), callback_data=PollAction(a="r", p=poll_id).pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def results_text(found: PollResults, lang: str) -> str:
    lines = [
        f"<b>{html.escape(found.question)}</b> (#{found.id}, {found.slug})",
        _(
            "%(voters)s people answered; sent to %(sent)s, %(stopped)s stopped.",
            lang,
            voters=found.voters,
            sent=found.sent,
            stopped=found.stopped,
        ),
    ]
    lines += [f"  {html.escape(o.text)}: {o.count} ({o.percent:g}%)" for o in found.options]
    if found.anonymous:
        lines += ["", _("Anonymous poll: no breakdown by network.", lang)]
    for network in found.networks:
        counts = ", ".join(f"{html.escape(o.text)} {o.count}" for o in network.options)
        lines.append(f"· {network.network} ({network.voters}): {counts}")
    return "\n".join(lines)[:MESSAGE_LIMIT]


async def create_poll(source: str, upload: Upload) -> Sequence[Reply]:
    """A poll YAML sent by staff: created and queued (PollDefinitionError when refused)."""
    lang, config = upload.lang, upload.config
    created = await service.create_poll(
        upload.session,
        source,
        actor=f"person:{upload.person.id}",
        default_language=config.default_language,
    )
    text = _(
        "Poll #%(id)s (%(slug)s) created: queued for %(n)s people; it closes %(closes)s.",
        lang,
        id=created.id,
        slug=created.slug,
        n=created.recipients,
        closes=staff_time(created.closes_at, ZoneInfo(config.timezone)),
    )
    return [(text, _results_button(created.id, lang))]


POLL_FILE = YamlFile(
    too_large=lambda lang: _("This file is too large for a poll (256 KB at most).", lang),
    refused=lambda lang: _("The poll was not created:", lang),
    accept=create_poll,
)


async def list_polls(
    message: Message, command: CommandObject, session: AsyncSession, i18n: I18n, config: BotConfig
) -> None:
    lang = i18n.current_locale
    polls = await q.latest_polls(session)
    if command.args and command.args.strip().isdigit():
        polls = [p for p in polls if p.id == int(command.args.strip())]
    how = _(
        "To create a poll, send its YAML file as a document with the caption /polls "
        "(the format of `aive polls create`).",
        lang,
    )
    if not polls:
        await message.answer(_("No poll yet.", lang) + "\n" + how)
        return
    for poll in polls:
        await message.answer(
            _line(poll, lang, ZoneInfo(config.timezone)),
            reply_markup=_results_button(poll.id, lang),
        )
    await message.answer(how)


async def show_results(
    query: CallbackQuery, callback_data: PollAction, session: AsyncSession, i18n: I18n
) -> None:
    lang = i18n.current_locale
    try:
        found = await service.poll_results(session, callback_data.p, lang=lang)
    except NotFound:
        await query.answer(_("This poll no longer exists.", lang), show_alert=True)
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await query.message.answer(results_text(found, lang))
    png = await asyncio.to_thread(results_chart, found, votes_label=_("votes", lang))
    photo = BufferedInputFile(png, filename=f"poll-{found.id}.png")
    await query.message.answer_photo(photo)


def build_router() -> Router:
    router = Router(name="polls_staff")
    router.message.register(receive_yaml_file, Command(COMMAND), POLL_FILE)
    router.message.register(list_polls, Command(COMMAND))
    router.callback_query.register(show_results, PollAction.filter())
    return router
