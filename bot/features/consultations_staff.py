"""Secretariat commands for consultations: create, list, open (which invites), close, results.

`/consultations` lists the latest ones, each with Open or Close and Results buttons;
`/consultations ID` shows one; a consultation YAML file sent with the caption `/consultations`
is created as a draft, as `aive consultations create` does, and shown with its Open button.
Behind the staff gate.
"""

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
from bot.i18n import FeatureCatalog
from bot.staff_files import MESSAGE_LIMIT, Reply, Upload, YamlFile, receive_yaml_file
from engagement.consultations import invitations, lifecycle, reports
from engagement.consultations.errors import ConsultationError
from engagement.consultations.results import Results
from engagement.consultations.schema import localized
from storage import consultations_queries as q
from storage.base import utcnow
from storage.consultations import ConsultationStatus
from storage.errors import NotFound
from storage.people import Person

catalog = FeatureCatalog("consultations")
_ = catalog.text
COMMANDS: tuple[str, ...] = ("consultations",)


class StaffAction(CallbackData, prefix="cs"):
    a: str  # o open, c close, r results
    c: int  # consultation id


def _line(line: q.ConsultationLine, lang: str) -> str:
    status = {
        ConsultationStatus.draft: _("draft", lang),
        ConsultationStatus.open: _("open", lang),
        ConsultationStatus.closed: _("closed", lang),
    }[line.status]
    return _(
        "#%(id)s <b>%(title)s</b> (%(slug)s): %(status)s, %(opens)s → %(closes)s, %(n)s submitted",
        lang,
        id=line.id,
        title=html.escape(localized(line.titles, lang)),
        slug=line.slug,
        status=status,
        opens=f"{line.opens_at:%Y-%m-%d}",
        closes=f"{line.closes_at:%Y-%m-%d}",
        n=line.submitted,
    )


def _buttons(line: q.ConsultationLine, lang: str) -> InlineKeyboardMarkup:
    row = []
    if line.status != ConsultationStatus.open:
        row.append(
            InlineKeyboardButton(
                text=_("Open and invite", lang),
                callback_data=StaffAction(a="o", c=line.id).pack(),
            )
        )
    else:
        row.append(
            InlineKeyboardButton(
                text=_("Close", lang), callback_data=StaffAction(a="c", c=line.id).pack()
            )
        )
    row.append(
        InlineKeyboardButton(
            text=_("Results", lang), callback_data=StaffAction(a="r", c=line.id).pack()
        )
    )
    return InlineKeyboardMarkup(inline_keyboard=[row])


def results_text(found: Results, lang: str) -> list[str]:
    """The results as messages of at most MESSAGE_LIMIT characters, in the reader's language."""
    lines = [
        f"<b>{html.escape(found.title)}</b> ({found.slug})",
        _(
            "%(n)s submitted. Response rate: %(responded)s of %(eligible)s (%(rate)s%%).",
            lang,
            n=found.submitted,
            responded=found.responded,
            eligible=found.eligible,
            rate=found.rate,
        ),
        _(
            "In the bot: %(bot)s · on the web: %(web)s",
            lang,
            bot=found.channels.get("bot", 0),
            web=found.channels.get("web", 0),
        ),
    ]
    for network in found.networks:
        lines.append(
            f"  · {network.network}: {network.responded}/{network.eligible} ({network.rate}%)"
        )
    for number, question in enumerate(found.questions, 1):
        lines += [
            "",
            f"<b>{number}. {html.escape(question.text)}</b> "
            + _("(%(n)s answers)", lang, n=question.answered),
        ]
        for option in question.options:
            bar = "█" * round(option.percent / 10)
            lines.append(f"  {html.escape(option.text)}: {option.count} ({option.percent}%) {bar}")
        if question.average is not None:
            lines.append(
                "  "
                + _(
                    "Average %(avg)s (from %(min)s to %(max)s)",
                    lang,
                    avg=question.average,
                    min=_plain(question.minimum),
                    max=_plain(question.maximum),
                )
            )
        if question.latest_texts:
            lines.append("  " + _("Latest answers:", lang))
            lines += [f"  « {html.escape(t[:300])} »" for t in question.latest_texts]
    return _chunks(lines)


def _plain(value: float | None) -> object:
    return int(value) if value is not None and float(value).is_integer() else value


def _chunks(lines: list[str]) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > MESSAGE_LIMIT:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line[:MESSAGE_LIMIT]
    return [*chunks, current] if current else chunks


async def _shown(session: AsyncSession, consultation_id: int, lang: str) -> list[Reply]:
    """The consultation's line with its buttons (none if it is gone)."""
    lines = [line for line in await q.consultation_lines(session) if line.id == consultation_id]
    return [(_line(line, lang), _buttons(line, lang)) for line in lines[:1]]


async def create_consultation(source: str, upload: Upload) -> Sequence[Reply]:
    """A consultation YAML sent by staff: created as a draft (DefinitionError when refused)."""
    session, lang = upload.session, upload.lang
    created = await lifecycle.create_consultation(
        session, source, actor=f"telegram:{upload.person.telegram_id}", now=utcnow()
    )
    created_text = _("Consultation created as a draft: check it, then press Open to invite.", lang)
    return [(created_text, None), *await _shown(session, created.id, lang)]


CONSULTATION_FILE = YamlFile(
    too_large=lambda lang: _("This file is too large for a consultation (256 KB at most).", lang),
    refused=lambda lang: _("The consultation was not created:", lang),
    accept=create_consultation,
)


async def list_consultations(
    message: Message, command: CommandObject, session: AsyncSession, i18n: I18n
) -> None:
    lang = i18n.current_locale
    lines = await q.consultation_lines(session)
    if command.args and command.args.strip().isdigit():
        lines = [line for line in lines if line.id == int(command.args.strip())]
    if not lines:
        await message.answer(
            _(
                "No consultation yet. To create one, send its YAML file here with the "
                "caption /consultations (or use `aive consultations create FILE.yaml`).",
                lang,
            )
        )
        return
    for line in lines:
        await message.answer(_line(line, lang), reply_markup=_buttons(line, lang))


async def _send_results(query: CallbackQuery, session: AsyncSession, c: int, lang: str) -> None:
    found = await reports.consultation_results(session, c, lang=lang)
    await query.answer()
    if isinstance(query.message, Message):
        for chunk in results_text(found, lang):
            await query.message.answer(chunk)


async def _open_or_close(
    session: AsyncSession, data: StaffAction, person: Person, config: BotConfig, lang: str
) -> str:
    """Open (and invite) or close; the note for the staff member."""
    status = ConsultationStatus.open if data.a == "o" else ConsultationStatus.closed
    await lifecycle.set_status(session, data.c, status, actor=f"person:{person.id}")
    if status != ConsultationStatus.open:
        return _("Closed. No answer is accepted any more.", lang)
    count = await invitations.invite_audience(
        session,
        data.c,
        default_language=config.default_language,
        default_timezone=config.timezone,
        created_by=f"person:{person.id}",
    )
    return _("Open. Invitations queued: %(n)s.", lang, n=count)


async def act(
    query: CallbackQuery,
    callback_data: StaffAction,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
    config: BotConfig,
) -> None:
    lang = i18n.current_locale
    try:
        if callback_data.a == "r":
            await _send_results(query, session, callback_data.c, lang)
            return
        note = await _open_or_close(session, callback_data, person, config, lang)
    except NotFound:
        await query.answer(_("This consultation no longer exists.", lang), show_alert=True)
        return
    except ConsultationError:
        await session.rollback()
        await query.answer(
            _("Its closing time has passed; it cannot be opened again.", lang), show_alert=True
        )
        return
    await query.answer(note, show_alert=True)
    shown = await _shown(session, callback_data.c, lang)
    if isinstance(query.message, Message) and shown:
        text, markup = shown[0]
        await query.message.edit_text(text, reply_markup=markup)


def build_router() -> Router:
    router = Router(name="consultations_staff")
    router.message.register(receive_yaml_file, Command(*COMMANDS), CONSULTATION_FILE)
    router.message.register(list_consultations, Command(*COMMANDS))
    router.callback_query.register(act, StaffAction.filter())
    return router
