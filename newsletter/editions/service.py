"""The bulletin service: compose drafts from stored items, edit, approve, cancel, hand over.

A thin pipeline around the pure parts: load candidates (`editions.candidates`) → compose
(`editions.compose`) → render (`editions.render`) → store in `Edition`. One edition per
(series, period start, language); composing again for the same period replaces a draft (keeping
the staff's edits) and refuses an approved one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from i18n.languages import base_language
from newsletter.editions.cadence import CadenceError, last_fires
from newsletter.editions.candidates import (
    load_candidates,
    load_open_consultations,
    load_upcoming_cafes,
)
from newsletter.editions.compose import compose_edition
from newsletter.editions.edits import Edits
from newsletter.editions.errors import (
    BulletinError,
    EditionLocked,
    EditsError,
    EmptyEdition,
    NoNews,
)
from newsletter.editions.render import RenderContext, render_edition
from newsletter.editions.values import (
    ComposedEdition,
    ComposeOptions,
    Period,
    StaffEdits,
    UpcomingCafe,
    YouthSubmission,
    require_aware,
)
from newsletter.editions.youth import approved_youth_for_bulletin, mark_published
from storage import audit, bulletins_queries, feeds_queries
from storage.base import utcnow
from storage.bulletins import Edition, EditionStatus, Series
from storage.errors import NotFound

PUBLISHED = (
    EditionStatus.approved,
    EditionStatus.scheduled,
    EditionStatus.sending,
    EditionStatus.sent,
)
REPLACEABLE = (EditionStatus.draft, EditionStatus.cancelled)
NEWS_KINDS = ("news", "mayors")  # the sections whose items are news
CANCELLABLE = (EditionStatus.draft, EditionStatus.approved, EditionStatus.scheduled)


@dataclass(frozen=True, slots=True)
class BulletinConfig:
    """What the service needs from the settings (built in app/ from `Settings`)."""

    public_url: str = "http://127.0.0.1:8080"
    timezone: str = "Europe/Madrid"
    # where a reader takes part in an open consultation; `{public_url}`, `{id}`, `{slug}`
    consultation_link: str = "{public_url}/consultations/{slug}"
    # the public page of an upcoming café the agenda lists; same placeholders
    cafe_link: str = "{public_url}/cafes/{slug}"
    options: ComposeOptions = field(default_factory=ComposeOptions)
    fallback_days: int = 31


@dataclass(frozen=True, slots=True)
class Extras:
    """Sections stored elsewhere (youth voice, cafés), passed in as plain values."""

    # None: the youth ideas approved during the edition's period, read from the database
    youth: Sequence[YouthSubmission] | None = None
    # None: the cafés starting within CAFE_HORIZON of the edition, read from the database
    cafes: Sequence[UpcomingCafe] | None = None


async def get_series(session: AsyncSession, slug: str) -> Series:
    series = await bulletins_queries.series_by_slug(session, slug)
    if series is None:
        raise NotFound(f"no series {slug!r}")
    return series


async def get_edition(session: AsyncSession, edition_id: int) -> Edition:
    edition = await session.get(Edition, edition_id)
    if edition is None:
        raise NotFound(f"no edition {edition_id}")
    return edition


async def list_editions(session: AsyncSession, series_slug: str | None = None) -> list[Edition]:
    """Editions, newest period first (then language)."""
    return await bulletins_queries.editions_newest_first(session, series_slug)


async def period_start(
    session: AsyncSession, series: Series, language: str, now: datetime, config: BulletinConfig
) -> datetime:
    """Where the next edition's period starts: an open draft's start (it is replaced), else the
    end of the last published edition, else the cadence's fire before the last, else
    `fallback_days` ago. Cancelled editions are ignored: their items are still to be told."""
    draft = await _latest(session, series, language, (EditionStatus.draft,), Edition.period_start)
    published = await _latest(session, series, language, PUBLISHED, Edition.period_end)
    if draft is not None and (published is None or draft.period_start >= published.period_end):
        return draft.period_start
    if published is not None:
        return published.period_end
    try:
        fires = last_fires(series.cadence, config.timezone, now, count=2)
    except CadenceError:
        fires = []
    return fires[0] if len(fires) == 2 else now - timedelta(days=config.fallback_days)


async def compose_draft(
    session: AsyncSession,
    series_slug: str,
    language: str,
    now: datetime,
    period: Period | None = None,
    *,
    config: BulletinConfig | None = None,
    extras: Extras | None = None,
    actor: str = "system",
    allow_empty: bool = True,
) -> Edition:
    """Compose, render and store the draft of `series_slug` in `language`, and commit.

    Raises `storage.errors.NotFound` (series), `BulletinError` (language not in the series, empty
    period), `EditionLocked` (the period's edition is already approved), `NoNews` (the period
    brought no news item and not `allow_empty`: nothing is stored), and the composition and
    render errors.
    """
    config = config or BulletinConfig()
    require_aware(now, "now")
    series = await get_series(session, series_slug)
    language = base_language(language)
    if series.languages and language not in series.languages:
        raise BulletinError(
            f"series {series.slug!r} is not published in {language!r} "
            f"(its languages: {', '.join(series.languages)})"
        )
    if period is None:
        start = await period_start(session, series, language, now, config)
        if start >= now:
            raise BulletinError(f"nothing to compose: the last edition covers until {start}")
        period = Period(start, now)
    edition = await bulletins_queries.edition_of(session, series.id, period.start, language)
    if edition is not None and edition.status not in REPLACEABLE:
        raise EditionLocked(
            f"edition {edition.id} for this period is {edition.status.value}: "
            "only a draft can be composed again"
        )
    edits = current_edits(edition) if edition and edition.status is EditionStatus.draft else Edits()
    if edition is None:
        edition = Edition(series=series, series_id=series.id, language=language)
        session.add(edition)
    edition.period_start, edition.period_end = period.start, period.end
    edition.status = EditionStatus.draft
    edition.approved_at = edition.approved_by = edition.send_at = None
    await session.flush()
    await _compose_and_render(session, edition, series, edits, now, config, extras or Extras())
    if not allow_empty and news_count(edition.content) == 0:
        await session.rollback()
        raise NoNews(f"no news item since {period.start.isoformat(timespec='minutes')}")
    audit.record(session, actor, "bulletin.compose", f"edition:{edition.id}")
    await session.commit()
    return edition


async def compose_drafts(
    session: AsyncSession,
    series_slug: str,
    languages: Sequence[str] | None,
    now: datetime,
    *,
    config: BulletinConfig,
    actor: str,
    allow_empty: bool,
    default_language: str,
) -> tuple[list[Edition], list[str]]:
    """The drafts of `series_slug` in `languages` (default: the series' own, else
    `default_language`), each composed by `compose_draft` and committed; (the drafts, the
    languages whose period brought no news, for which no draft was made). Raises what
    `compose_draft` raises, but `NoNews`."""
    series = await get_series(session, series_slug)
    drafts: list[Edition] = []
    without_news: list[str] = []
    for language in languages or list(series.languages or [default_language]):
        try:
            drafts.append(
                await compose_draft(
                    session,
                    series_slug,
                    language,
                    now,
                    config=config,
                    actor=actor,
                    allow_empty=allow_empty,
                )
            )
        except NoNews:
            without_news.append(language)
    return drafts, without_news


def news_count(content: dict[str, Any] | None) -> int:
    """How many news items (news from the cities, mayors' voice) an edition's content shows."""
    return sum(
        len(section.get("items", ()))
        for section in (content or {}).get("sections", ())
        if section.get("kind") in NEWS_KINDS
    )


def current_edits(edition: Edition) -> Edits:
    """The staff's edits stored with a draft."""
    stored = (edition.content or {}).get("edits", {})
    return Edits(
        subject=stored.get("subject"),
        editorial=edition.editorial,
        pinned=tuple(stored.get("pinned", ())),
        excluded=tuple(stored.get("excluded", ())),
        order=tuple(stored.get("order", ())),
    )


async def apply_edits(
    session: AsyncSession,
    edition_id: int,
    edits: Edits,
    *,
    now: datetime | None = None,
    config: BulletinConfig | None = None,
    extras: Extras | None = None,
    actor: str = "staff",
) -> Edition:
    """Replace a draft's edits (pins, exclusions, order, editorial, subject), compose and render
    again, and commit. Raises `EditionLocked` if it is not a draft, `EditsError` naming the
    field when an item id does not exist."""
    edition = await get_edition(session, edition_id)
    if edition.status is not EditionStatus.draft:
        raise EditionLocked(
            f"edition {edition.id} is {edition.status.value}: only a draft is edited"
        )
    await _check_items_exist(session, edits)
    series = await session.get_one(Series, edition.series_id)
    config = config or BulletinConfig()
    await _compose_and_render(
        session, edition, series, edits, now or utcnow(), config, extras or Extras()
    )
    audit.record(session, actor, "bulletin.edit", f"edition:{edition.id}", edits=edits.as_dict())
    await session.commit()
    return edition


async def approve(
    session: AsyncSession,
    edition_id: int,
    actor: str,
    send_at: datetime | None = None,
    *,
    now: datetime | None = None,
) -> Edition:
    """Approve a draft: `approved`, or `scheduled` when `send_at` (aware, in the future) is
    given. Raises `EditionLocked` unless it is a draft, `EmptyEdition` if it is empty."""
    now = now or utcnow()
    edition = await get_edition(session, edition_id)
    if edition.status is not EditionStatus.draft:
        raise EditionLocked(
            f"edition {edition.id} is {edition.status.value}: only a draft can be approved"
        )
    if not edition.html or not (edition.content or {}).get("sections"):
        raise EmptyEdition(f"edition {edition.id} is empty: nothing to approve")
    if send_at is not None:
        if send_at.tzinfo is None or send_at.utcoffset() is None:
            raise BulletinError("send_at must say its time zone (e.g. 2026-03-10T09:00+01:00)")
        if send_at <= now:
            raise BulletinError(f"send_at {send_at.isoformat()} is in the past")
    edition.status = EditionStatus.scheduled if send_at else EditionStatus.approved
    edition.send_at, edition.approved_at, edition.approved_by = send_at, now, actor
    # from now on /forget keeps these youth ideas, anonymized, instead of deleting them
    await mark_published(session, youth_ids(edition.content or {}))
    audit.record(
        session,
        actor,
        "bulletin.approve",
        f"edition:{edition.id}",
        send_at=send_at.isoformat() if send_at else None,
    )
    await session.commit()
    return edition


def youth_ids(content: dict[str, Any]) -> list[int]:
    """The youth ideas an edition quotes (from `Edition.content`)."""
    return [
        int(idea)
        for section in content.get("sections", ())
        if section.get("kind") == "youth"
        for idea in section.get("youth", ())
    ]


async def cancel(session: AsyncSession, edition_id: int, actor: str) -> Edition:
    """Cancel a draft, approved or scheduled edition (never one being sent or sent)."""
    edition = await get_edition(session, edition_id)
    if edition.status not in CANCELLABLE:
        raise EditionLocked(
            f"edition {edition.id} is {edition.status.value}: it cannot be cancelled"
        )
    edition.status = EditionStatus.cancelled
    audit.record(session, actor, "bulletin.cancel", f"edition:{edition.id}")
    await session.commit()
    return edition


async def _latest(
    session: AsyncSession,
    series: Series,
    language: str,
    statuses: Sequence[EditionStatus],
    column: InstrumentedAttribute[datetime],
) -> Edition | None:
    return await bulletins_queries.latest_edition(session, series.id, language, statuses, column)


async def _check_items_exist(session: AsyncSession, edits: Edits) -> None:
    for name in ("pinned", "excluded", "order"):
        ids = set(getattr(edits, name))
        if not ids:
            continue
        known = await feeds_queries.existing_item_ids(session, ids)
        missing = sorted(ids - known)
        if missing:
            raise EditsError(name, f"no item with id {', '.join(map(str, missing))}")


async def _compose_and_render(
    session: AsyncSession,
    edition: Edition,
    series: Series,
    edits: Edits,
    now: datetime,
    config: BulletinConfig,
    extras: Extras,
) -> None:
    period = Period(edition.period_start, edition.period_end)
    staff = StaffEdits(
        pinned=edits.pinned,
        excluded=frozenset(edits.excluded),
        order=edits.order,
        editorial=edits.editorial,
    )
    candidates = await load_candidates(
        session,
        series_networks=series.networks,
        period=period,
        include_ids=edits.pinned,
        timezone=config.timezone,
    )
    consultations = await load_open_consultations(
        session,
        language=edition.language,
        now=now,
        series_networks=series.networks,
        link=config.consultation_link.replace("{public_url}", config.public_url.rstrip("/")),
    )
    cafes = await _cafes(session, edition, series, now, config, extras)
    youth = await _youth(session, edition, period, extras)
    composed = compose_edition(
        candidates,
        language=edition.language,
        period=period,
        series_networks=series.networks,
        options=config.options,
        edits=staff,
        cafes=cafes,
        consultations=consultations,
        youth=youth,
    )
    _render_into(edition, series, composed, edits, config)


async def _cafes(
    session: AsyncSession,
    edition: Edition,
    series: Series,
    now: datetime,
    config: BulletinConfig,
    extras: Extras,
) -> Sequence[UpcomingCafe]:
    """The cafés given by the caller, else the upcoming ones read from the database."""
    if extras.cafes is not None:
        return extras.cafes
    return await load_upcoming_cafes(
        session,
        language=edition.language,
        now=now,
        series_networks=series.networks,
        link=config.cafe_link.replace("{public_url}", config.public_url.rstrip("/")),
    )


async def _youth(
    session: AsyncSession, edition: Edition, period: Period, extras: Extras
) -> Sequence[YouthSubmission]:
    """The youth ideas given by the caller, else those approved during the period."""
    if extras.youth is not None:
        return extras.youth
    return await approved_youth_for_bulletin(session, period.start, period.end, edition.language)


def _render_into(
    edition: Edition,
    series: Series,
    composed: ComposedEdition,
    edits: Edits,
    config: BulletinConfig,
) -> None:
    """Renders the composed edition and stores its content, subject, HTML and text."""
    rendered = render_edition(
        composed,
        RenderContext(
            series_slug=series.slug,
            series_title=series.title(edition.language),
            edition_id=edition.id,
            public_url=config.public_url,
            subject=edits.subject,
            timezone=config.timezone,
        ),
    )
    content = composed.to_content()
    content["edits"]["subject"] = edits.subject
    edition.content = content
    edition.editorial = edits.editorial
    edition.subject, edition.preheader = rendered.subject[:300], rendered.preheader[:300]
    edition.html, edition.text = rendered.html, rendered.text
