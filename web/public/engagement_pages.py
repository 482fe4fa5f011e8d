"""The public pages bulletins link to: `/consultations/{slug}` and `/cafes/{slug}`.

A reader sees, in their language, what a consultation asks, of whom and until when, or what a
virtual café is about, when (in the secretariat's timezone), in which language and with whom;
while one can still take part, a button opens it in the Telegram bot (`/start c<id>` for a
consultation, `/start f<id>` for a café: deep links the bot answers). Draft consultations,
staff-only cafés and unknown slugs are 404. Strings are in the `archive` gettext domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy import select

from engagement.cafes.messages import language_name
from engagement.consultations.response_access import definition_of
from engagement.consultations.schema import Definition, QuestionType, localized
from engagement.invites import invite_link
from engagement.reader_time import local_time
from newsletter.editions.candidates import PUBLIC_CAFE_AUDIENCES
from storage.base import utcnow
from storage.cafes import Cafe
from storage.consultations import Consultation, ConsultationStatus
from web.public.archive import CONFIG, SESSIONS, render_page, visitor_language


class UsernameSource(Protocol):
    """Where the bot's @username comes from (the composition root passes `bot.identity`'s)."""

    async def get(self) -> str | None: ...


BOT_USERNAME = web.AppKey("engagement_bot_username", UsernameSource)


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
        return local_time(moment, zone, lang)

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
    return render_page(
        "consultation.html.j2", lang, request.path, consultation=view, telegram_link=link
    )


@dataclass(frozen=True, slots=True)
class PublicCafe:
    title: str
    description: str
    over: bool
    when: str
    minutes: int
    language: str
    speakers: tuple[str, ...]
    audience: str
    capacity: int
    seats_left: int


def public_cafe(cafe: Cafe, lang: str, now: datetime, timezone: str) -> PublicCafe:
    """What the café page shows (no I/O): texts in `lang`, the start in `timezone`."""
    return PublicCafe(
        title=localized(cafe.titles, lang) or cafe.slug,
        description=localized(cafe.descriptions, lang),
        over=now >= cafe.ends_at,
        when=local_time(cafe.starts_at, ZoneInfo(timezone), lang),
        minutes=cafe.duration_minutes,
        language=language_name(cafe.language, lang),
        speakers=tuple(str(s.get("name", "")) for s in cafe.speakers if s.get("name")),
        audience=cafe.audience,
        capacity=cafe.capacity,
        seats_left=max(0, cafe.capacity - cafe.seats_taken),
    )


async def cafe_page(request: web.Request) -> web.Response:
    lang = visitor_language(request)
    async with request.app[SESSIONS]() as session:
        cafe = await session.scalar(select(Cafe).where(Cafe.slug == request.match_info["slug"]))
    if cafe is None or cafe.audience not in PUBLIC_CAFE_AUDIENCES:
        raise web.HTTPNotFound()
    view = public_cafe(cafe, lang, utcnow(), request.app[CONFIG].timezone)
    link = None
    if not view.over:
        username = await request.app[BOT_USERNAME].get()
        link = invite_link(username, f"f{cafe.id}") if username else None
    return render_page("cafe.html.j2", lang, request.path, cafe=view, telegram_link=link)


def setup_engagement_pages(app: web.Application, bot_username: UsernameSource) -> None:
    """Add `/consultations/{slug}` and `/cafes/{slug}`; needs the archive's routes on `app`
    (its sessions and config)."""
    app[BOT_USERNAME] = bot_username
    app.router.add_get("/consultations/{slug}", consultation_page)
    app.router.add_get("/cafes/{slug}", cafe_page)
