"""`/consultations/{slug}`: the public page of a consultation, where bulletins link.

A reader sees, in their language, what is asked, of whom, until when, and (while it is open) a
button that opens the consultation in the Telegram bot (`/start c<id>`, the deep link the bot
answers). Drafts and unknown slugs are 404. Strings are in the `archive` gettext domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from babel.dates import format_date, format_datetime, format_time, get_datetime_format
from sqlalchemy import select

from bot.engagement.consultations.schema import Definition, QuestionType, localized
from bot.engagement.consultations.service import definition_of
from bot.identity import BotUsername
from bot.invites import invite_link
from newsletter.archive import CONFIG, SESSIONS, render_page, visitor_language
from storage.base import utcnow
from storage.consultations import Consultation, ConsultationStatus

BOT_USERNAME = web.AppKey("consultation_bot_username", BotUsername)


@dataclass(frozen=True, slots=True)
class PublicQuestion:
    text: str
    kind: str  # QuestionType value: the template words it
    options: tuple[str, ...]
    optional: bool
    scale: tuple[int, int] | None
    max_choices: int | None


@dataclass(frozen=True, slots=True)
class PublicConsultation:
    title: str
    intro: str
    state: str  # "upcoming" | "open" | "closed"
    opens: str
    closes: str
    audience: str
    per_city: bool
    questions: tuple[PublicQuestion, ...]


def public_view(
    consultation: Consultation, definition: Definition, lang: str, now: datetime, timezone: str
) -> PublicConsultation:
    """What the page shows (no I/O): texts in `lang`, times in `timezone`."""
    if consultation.status == ConsultationStatus.closed or now >= consultation.closes_at:
        state = "closed"
    elif consultation.status == ConsultationStatus.open and now >= consultation.opens_at:
        state = "open"
    else:
        state = "upcoming"
    zone = ZoneInfo(timezone)

    def when(moment: datetime) -> str:
        return local_datetime(moment, zone, lang)

    questions = tuple(
        PublicQuestion(
            text=localized(q.text, lang),
            kind=q.type.value,
            options=tuple(localized(o.text, lang) for o in q.options or ()),
            optional=not q.required,
            scale=(int(q.min or 1), int(q.max or 5)) if q.type == QuestionType.scale else None,
            max_choices=q.max_choices if q.type == QuestionType.multi_choice else None,
        )
        for q in definition.questions
    )
    return PublicConsultation(
        title=localized(definition.title, lang) or consultation.slug,
        intro=localized(definition.intro, lang),
        state=state,
        opens=when(consultation.opens_at),
        closes=when(consultation.closes_at),
        audience=definition.audience.value,
        per_city=definition.one_response_per.value == "city",
        questions=questions,
    )


def local_datetime(moment: datetime, zone: ZoneInfo, lang: str) -> str:
    """ "4 de desembre del 2026, 23:04 (CET)": the date in full, the time to the minute."""
    pattern = str(get_datetime_format("long", locale=lang))
    text = pattern.replace("{1}", format_date(moment.astimezone(zone), "long", locale=lang))
    text = text.replace("{0}", format_time(moment, "short", tzinfo=zone, locale=lang))
    return f"{text} ({format_datetime(moment, 'z', tzinfo=zone, locale=lang)})"


async def consultation_page(request: web.Request) -> web.Response:
    lang = visitor_language(request)
    async with request.app[SESSIONS]() as session:
        consultation = await session.scalar(
            select(Consultation).where(Consultation.slug == request.match_info["slug"])
        )
    if consultation is None or consultation.status == ConsultationStatus.draft:
        raise web.HTTPNotFound()
    view = public_view(
        consultation, definition_of(consultation), lang, utcnow(), request.app[CONFIG].timezone
    )
    link = None
    if view.state == "open":
        username = await request.app[BOT_USERNAME].get()
        link = invite_link(username, f"c{consultation.id}") if username else None
    return render_page("consultation.html.j2", lang, consultation=view, telegram_link=link)


def setup_consultation_pages(app: web.Application, bot_username: BotUsername) -> None:
    """Add `/consultations/{slug}`; needs the archive's routes (sessions, config) on `app`."""
    app[BOT_USERNAME] = bot_username
    app.router.add_get("/consultations/{slug}", consultation_page)
