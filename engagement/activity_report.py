"""The activity report of every network and city over a period, ranked by need of attention
(the console's networks and cities pages, their CSV exports), and a city's history.

Six grouped queries (one per kind, keyed by city) plus the feeds of no city and the bulletins
sent; everything else is added up here (`engagement.activity`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.activity import (
    Activity,
    Kind,
    Period,
    Tally,
    attention,
    by_attention,
    by_city,
    combine,
    network_activity,
)
from newsletter.editions.review import shown_item_ids
from storage import activity_queries as queries
from storage.activity_queries import TallyRow, Window
from storage.networks import NetworkKind


@dataclass(frozen=True)
class NetworkActivity:
    id: int
    slug: str
    kind: NetworkKind
    names: Mapping[str, str]
    cities: int
    activity: Activity
    score: float

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or self.slug


@dataclass(frozen=True)
class CityActivity:
    id: int
    name: str
    country: str
    networks: tuple[str, ...]  # slugs
    activity: Activity
    score: float


@dataclass(frozen=True)
class ActivityReport:
    period: Period
    networks: list[NetworkActivity]  # by need of attention
    cities: list[CityActivity]  # by need of attention


def window(period: Period) -> Window:
    return Window(period.previous().start, period.start, period.end)


def _keyed(rows: Iterable[TallyRow]) -> dict[int, Tally]:
    return {key: Tally(current, previous, last) for key, current, previous, last in rows}


@dataclass
class _Featured:
    current: set[int] = field(default_factory=set)
    previous: set[int] = field(default_factory=set)
    last_at: datetime | None = None


def featured_tallies(
    editions: Iterable[tuple[datetime, list[int]]],
    origins: Iterable[tuple[int, int | None, int]],
    period: Period,
) -> tuple[dict[int, Tally], dict[int, Tally]]:
    """Items featured in bulletins sent in the period and the previous one, by city and by
    feed of no city (an item shown in several editions counts once per period). `editions`:
    (sent_at, ids of the items shown); `origins`: (item id, city id or None, source id)."""
    now: dict[int, datetime] = {}  # item → when last featured in the period
    before: dict[int, datetime] = {}
    for sent_at, shown in editions:
        bucket = now if sent_at >= period.start else before
        for item_id in shown:
            bucket[item_id] = max(sent_at, bucket.get(item_id, sent_at))
    found: dict[tuple[bool, int], _Featured] = {}
    for item_id, city_id, source_id in origins:
        entry = found.setdefault((city_id is not None, city_id or source_id), _Featured())
        for bucket, seen in ((now, entry.current), (before, entry.previous)):
            when = bucket.get(item_id)
            if when is not None:
                seen.add(item_id)
                if entry.last_at is None or when > entry.last_at:
                    entry.last_at = when
    cities: dict[int, Tally] = {}
    sources: dict[int, Tally] = {}
    for (of_city, key), entry in found.items():
        if entry.current or entry.previous:
            tally = Tally(len(entry.current), len(entry.previous), entry.last_at)
            (cities if of_city else sources)[key] = tally
    return cities, sources


async def _per_kind(
    session: AsyncSession, period: Period
) -> tuple[dict[Kind, dict[int, Tally]], dict[int, Activity]]:
    """Every kind's tallies by city, and the activity of each feed of no city (by source)."""
    span = window(period)
    per_kind = {
        Kind.published: _keyed(await queries.published_by_city(session, span)),
        Kind.answered: _keyed(await queries.answered_by_city(session, span)),
        Kind.attended: _keyed(await queries.attended_by_city(session, span)),
        Kind.voted: _keyed(await queries.voted_by_city(session, span)),
        Kind.ideas: _keyed(await queries.ideas_by_city(session, span)),
    }
    editions = [
        (sent_at, shown_item_ids(content or {}))
        for sent_at, content in await queries.featured_editions(session, span)
    ]
    origins = await queries.item_origins(session, [i for _, shown in editions for i in shown])
    per_kind[Kind.featured], featured_by_source = featured_tallies(editions, origins, period)
    published_by_source = _keyed(await queries.published_by_cityless_source(session, span))
    sources: dict[int, Activity] = {}
    for source_id in set(published_by_source) | set(featured_by_source):
        tallies = {Kind.published: published_by_source.get(source_id, Tally())}
        tallies[Kind.featured] = featured_by_source.get(source_id, Tally())
        sources[source_id] = Activity(tallies)
    return per_kind, sources


async def activity_report(session: AsyncSession, period: Period) -> ActivityReport:
    """Every network and city with its activity over `period`, ranked by need of attention
    (`engagement.activity.attention`): the quietest first."""
    per_kind, sources = await _per_kind(session, period)
    cities = by_city(per_kind)
    members: dict[int, list[int]] = {}
    slugs_of_city: dict[int, list[str]] = {}
    networks = await queries.all_networks(session)
    slug_of = {n.id: n.slug for n in networks}
    for network_id, city_id in await queries.network_members(session):
        members.setdefault(network_id, []).append(city_id)
        slugs_of_city.setdefault(city_id, []).append(slug_of[network_id])
    own: dict[str, list[Activity]] = {}
    for source_id, slugs in (await queries.cityless_source_networks(session)).items():
        if source_id in sources:
            for slug in slugs:
                own.setdefault(slug, []).append(sources[source_id])
    network_rows = []
    for network in networks:
        ids = members.get(network.id, [])
        activity = network_activity(cities, ids, combine(own.get(network.slug, [])))
        network_rows.append(
            NetworkActivity(
                network.id,
                network.slug,
                network.kind,
                dict(network.names),
                len(ids),
                activity,
                attention(activity, len(ids), period),
            )
        )
    city_rows = []
    for city_id, name, country in await queries.all_cities(session):
        activity = cities.get(city_id, Activity())
        score = attention(activity, 1, period)
        in_networks = tuple(sorted(slugs_of_city.get(city_id, [])))
        city_rows.append(CityActivity(city_id, name, country, in_networks, activity, score))
    return ActivityReport(
        period,
        by_attention(
            network_rows,
            lambda n: n.score,
            lambda n: n.activity.last_sign_of_life,
            lambda n: n.slug,
        ),
        by_attention(
            city_rows, lambda c: c.score, lambda c: c.activity.last_sign_of_life, lambda c: c.name
        ),
    )
