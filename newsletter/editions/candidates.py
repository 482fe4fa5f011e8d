"""Read what an edition may contain from storage and turn it into composition values.

Items reach a series through their sources: a source's `networks` say which networks its items
belong to, its city gives the items' city and country. An item carried by several sources takes
the union of their networks, the highest priority and the first city found.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from sqlalchemy import Row, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.editions.values import CandidateItem, OpenConsultation, Period, UpcomingCafe
from storage.cafes import Cafe
from storage.consultations import Consultation, ConsultationStatus
from storage.feeds import Item, ItemSource, Source

# How far ahead an edition announces cafés, and which audiences a public bulletin may show.
CAFE_HORIZON = timedelta(days=60)
PUBLIC_CAFE_AUDIENCES = ("everyone", "city_representatives", "youth")

# Feed categories that tag an item, in our languages (compared lower-cased).
TAG_WORDS: Mapping[str, frozenset[str]] = {
    "mayor": frozenset(
        {"mayor", "alcalde", "alcaldesa", "maire", "prefeito", "prefeita", "batlle", "batllessa"}
    ),
    "youth": frozenset(
        {"youth", "juventud", "jóvenes", "jeunesse", "jeunes", "juventude", "joventut", "joves"}
    ),
    "event": frozenset({"event", "evento", "événement", "esdeveniment", "agenda"}),
}


def tags_of(categories: Iterable[str]) -> tuple[str, ...]:
    """`("Alcalde", "Cultura")` → `("mayor",)`; order follows TAG_WORDS."""
    words = {c.strip().lower() for c in categories if isinstance(c, str)}
    return tuple(tag for tag, synonyms in TAG_WORDS.items() if words & synonyms)


def source_in_networks(source: Source, series_networks: Collection[str]) -> bool:
    """A series without networks takes every source."""
    return not series_networks or bool(set(source.networks or ()) & set(series_networks))


async def load_candidates(
    session: AsyncSession,
    *,
    series_networks: Collection[str],
    period: Period,
    include_ids: Collection[int] = (),
    timezone: str = "Europe/Madrid",
) -> list[CandidateItem]:
    """Items published in `period` by sources of the series' networks, plus `include_ids`
    (pinned items, wherever they come from)."""
    sources = {s.id: s for s in (await session.scalars(select(Source))).all()}
    wanted = [i for i, s in sources.items() if source_in_networks(s, series_networks)]
    in_period = (
        ItemSource.source_id.in_(wanted)
        & (Item.published_at >= period.start)
        & (Item.published_at < period.end)
    )
    condition = or_(in_period, Item.id.in_(list(include_ids))) if include_ids else in_period
    # plain rows, not entities: no relationship loading for thousands of items
    rows = (
        await session.execute(
            select(*ITEM_COLUMNS, ItemSource.source_id)
            .join(ItemSource, ItemSource.item_id == Item.id)
            .where(Item.id.in_(select(Item.id).join(ItemSource).where(condition)))
            .order_by(Item.id, ItemSource.id)
        )
    ).all()
    carried: dict[int, tuple[Any, list[Source]]] = {}
    for row in rows:
        entry = carried.setdefault(row.id, (row, []))
        entry[1].append(sources[row.source_id])
    zone = ZoneInfo(timezone)
    return [candidate_of(row, links, zone) for row, links in carried.values()]


ITEM_COLUMNS = (
    Item.id,
    Item.title,
    Item.url,
    Item.published_at,
    Item.language,
    Item.summary_text,
    Item.summary_html,
    Item.image_url,
    Item.categories,
    Item.event_at,
)


def candidate_of(item: Row[Any], sources: list[Source], zone: ZoneInfo) -> CandidateItem:
    networks = sorted({n for s in sources for n in (s.networks or ())})
    city = next((s.city for s in sources if s.city is not None), None)
    named = next((s for s in sources if s.title), None)
    return CandidateItem(
        id=item.id,
        title=item.title,
        url=item.url,
        published_at=item.published_at,
        language=item.language or "und",
        summary_text=item.summary_text,
        summary_html=item.summary_html,
        image_url=item.image_url,
        source_name=(named.title or "") if named else "",
        source_priority=max((s.priority for s in sources), default=0),
        city=city.name if city else "",
        country=city.country if city else "",
        networks=tuple(networks),
        tags=tags_of(item.categories or ()),
        event_date=item.event_at.astimezone(zone).date() if item.event_at else None,
    )


def localized(texts: Mapping[str, str], language: str) -> str:
    """The text in `language`, else `en`, else the first one given (the contract's fallback)."""
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


def in_language(url: str, language: str) -> str:
    """`url` with `lang=<language>` in its query, so the page opens in the reader's language
    whatever their browser says."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", language)])))


async def load_open_consultations(
    session: AsyncSession,
    *,
    language: str,
    now: datetime,
    series_networks: Collection[str],
    link: str,
) -> list[OpenConsultation]:
    """Consultations open at `now` for the series' networks; `link` is a template with
    `{id}` and `{slug}`."""
    rows = (
        await session.scalars(
            select(Consultation)
            .where(
                Consultation.status == ConsultationStatus.open,
                Consultation.opens_at <= now,
                Consultation.closes_at > now,
            )
            .order_by(Consultation.closes_at, Consultation.id)
        )
    ).all()
    return [
        OpenConsultation(
            id=c.id,
            title=localized(c.titles or {}, language) or c.slug,
            closes_at=c.closes_at,
            url=in_language(link.format(id=c.id, slug=c.slug), language),
        )
        for c in rows
        if _for_series(c.networks, series_networks)
    ]


async def load_upcoming_cafes(
    session: AsyncSession,
    *,
    language: str,
    now: datetime,
    series_networks: Collection[str],
    link: str,
) -> list[UpcomingCafe]:
    """Cafés starting after `now` and within CAFE_HORIZON, for the series' networks, except
    staff-only ones; `link` is a template with `{id}` and `{slug}`."""
    rows = (
        await session.scalars(
            select(Cafe)
            .where(
                Cafe.starts_at > now,
                Cafe.starts_at <= now + CAFE_HORIZON,
                Cafe.audience.in_(PUBLIC_CAFE_AUDIENCES),
            )
            .order_by(Cafe.starts_at, Cafe.id)
        )
    ).all()
    return [
        UpcomingCafe(
            id=c.id,
            title=localized(c.titles or {}, language) or c.slug,
            starts_at=c.starts_at,
            url=in_language(link.format(id=c.id, slug=c.slug), language),
            language=c.language,
        )
        for c in rows
        if _for_series(c.networks, series_networks)
    ]


def _for_series(networks: Iterable[str] | None, series_networks: Collection[str]) -> bool:
    """A consultation or café for every network, or a series for every network, or one shared."""
    return not networks or not series_networks or bool(set(networks) & set(series_networks))
