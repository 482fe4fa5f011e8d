"""SQL for the activity of cities and networks: one grouped query per kind of activity (keyed by
city), the cities→networks mapping, and a city's history as one time-ordered union."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulletins import Edition, EditionStatus
from storage.cafes import Cafe, CafeSeat
from storage.consultations import Consultation, ConsultationResponse, ResponseStatus
from storage.feeds import Item, ItemSource, Source
from storage.networks import City, Network, city_networks
from storage.people import PersonRole, Role
from storage.polls import Poll, PollVote
from storage.youth import YouthSubmission

# a tally row: (key, count in the period, count in the previous period, last time ever)
TallyRow = tuple[int, int, int, datetime | None]


@dataclass(frozen=True)
class Window:
    """The previous period's start, the period's start, the period's end (excluded)."""

    previous_start: datetime
    start: datetime
    end: datetime


def _tallies(window: Window, key: Any, at: Any, counted: Any = None) -> Select[Any]:
    """Rows (or distinct `counted` values: slower) in the period and the previous one, and
    max(`at`) ever, by `key`."""
    now = and_(at >= window.start, at < window.end)
    before = and_(at >= window.previous_start, at < window.start)
    current: ColumnElement[Any]
    previous: ColumnElement[Any]
    if counted is None:
        current, previous = func.sum(case((now, 1), else_=0)), func.sum(case((before, 1), else_=0))
    else:
        current = func.count(distinct(case((now, counted))))
        previous = func.count(distinct(case((before, counted))))
    return select(key, current, previous, func.max(at)).group_by(key)


async def _rows(session: AsyncSession, statement: Select[Any]) -> list[TallyRow]:
    return [
        (k, int(c or 0), int(p or 0), last) for k, c, p, last in await session.execute(statement)
    ]


async def published_by_city(session: AsyncSession, window: Window) -> list[TallyRow]:
    """Items of each city's feeds, by publication time (an item in two feeds counts once)."""
    statement = (
        _tallies(window, Source.city_id, Item.published_at, Item.id)
        .select_from(Item)
        .join(ItemSource, ItemSource.item_id == Item.id)
        .join(Source, Source.id == ItemSource.source_id)
        .where(Source.city_id.is_not(None))
    )
    return await _rows(session, statement)


async def published_by_cityless_source(session: AsyncSession, window: Window) -> list[TallyRow]:
    """Items of the feeds of no city (a network's own), keyed by source."""
    statement = (
        _tallies(window, Source.id, Item.published_at, Item.id)
        .select_from(Item)
        .join(ItemSource, ItemSource.item_id == Item.id)
        .join(Source, Source.id == ItemSource.source_id)
        .where(Source.city_id.is_(None))
    )
    return await _rows(session, statement)


async def cityless_source_networks(session: AsyncSession) -> dict[int, list[str]]:
    """The network slugs of each feed of no city."""
    rows = await session.execute(select(Source.id, Source.networks).where(Source.city_id.is_(None)))
    return {source_id: list(networks or []) for source_id, networks in rows}


async def answered_by_city(session: AsyncSession, window: Window) -> list[TallyRow]:
    """Consultation responses submitted for each city."""
    r = ConsultationResponse
    statement = _tallies(window, r.city_id, r.submitted_at).where(
        r.city_id.is_not(None), r.status == ResponseStatus.submitted
    )
    return await _rows(session, statement)


async def attended_by_city(session: AsyncSession, window: Window) -> list[TallyRow]:
    """Café check-ins of each city's representatives."""
    statement = (
        _tallies(window, PersonRole.city_id, CafeSeat.checked_in_at)
        .select_from(CafeSeat)
        .join(PersonRole, PersonRole.person_id == CafeSeat.person_id)
        .where(
            PersonRole.role == Role.city_representative,
            PersonRole.city_id.is_not(None),
            CafeSeat.checked_in_at.is_not(None),
        )
    )
    return await _rows(session, statement)


async def voted_by_city(session: AsyncSession, window: Window) -> list[TallyRow]:
    statement = _tallies(window, PollVote.city_id, PollVote.answered_at).where(
        PollVote.city_id.is_not(None)
    )
    return await _rows(session, statement)


async def ideas_by_city(session: AsyncSession, window: Window) -> list[TallyRow]:
    y = YouthSubmission
    statement = _tallies(window, y.city_id, y.created_at).where(y.city_id.is_not(None))
    return await _rows(session, statement)


async def featured_editions(session: AsyncSession, window: Window) -> list[tuple[datetime, Any]]:
    """(sent_at, content) of the editions sent in the period or the previous one."""
    rows = await session.execute(
        select(Edition.sent_at, Edition.content).where(
            Edition.status == EditionStatus.sent,
            Edition.sent_at >= window.previous_start,
            Edition.sent_at < window.end,
        )
    )
    return [(sent_at, content) for sent_at, content in rows if sent_at is not None]


async def item_origins(
    session: AsyncSession, item_ids: Sequence[int]
) -> list[tuple[int, int | None, int]]:
    """(item id, city id or None, source id) of each feed that carried these items.

    Two lookups rather than one join: with the join, SQLite's planner (after ANALYZE) walks
    every source and probes each for the thousands of ids, ten times slower."""
    if not item_ids:
        return []
    pairs = (
        await session.execute(
            select(ItemSource.item_id, ItemSource.source_id).where(
                ItemSource.item_id.in_(sorted(set(item_ids)))
            )
        )
    ).all()
    source_ids = sorted({source_id for _, source_id in pairs})
    found = await session.execute(
        select(Source.id, Source.city_id).where(Source.id.in_(source_ids))
    )
    cities: dict[int, int | None] = {source_id: city_id for source_id, city_id in found}
    return [(item_id, cities.get(source_id), source_id) for item_id, source_id in pairs]


async def all_networks(session: AsyncSession) -> list[Network]:
    return list((await session.scalars(select(Network).order_by(Network.slug))).all())


async def all_cities(session: AsyncSession) -> list[tuple[int, str, str]]:
    """(id, name, country) of every city."""
    rows = await session.execute(select(City.id, City.name, City.country).order_by(City.name))
    return [(i, n, c) for i, n, c in rows]


async def network_members(session: AsyncSession) -> list[tuple[int, int]]:
    """(network id, city id) of every membership."""
    rows = await session.execute(select(city_networks.c.network_id, city_networks.c.city_id))
    return [(n, c) for n, c in rows]


async def city(session: AsyncSession, city_id: int) -> City | None:
    return await session.get(City, city_id)


# A city's history: each event as (kind, at, reference id), one union ordered by time.
def _events(city_id: int, since: datetime | None) -> list[Select[Any]]:
    def part(kind: str, at: Any, ref: Any, *where: ColumnElement[bool]) -> Select[Any]:
        bound = [at >= since] if since is not None else []
        return select(literal(kind).label("kind"), at.label("at"), ref.label("ref")).where(
            *where, *bound
        )

    own_items = (
        select(ItemSource.item_id)
        .join(Source, Source.id == ItemSource.source_id)
        .where(Source.city_id == city_id)
    )
    r = ConsultationResponse
    return [
        part("published", Item.published_at, Item.id, Item.id.in_(own_items)),
        part(
            "answered",
            r.submitted_at,
            r.consultation_id,
            r.city_id == city_id,
            r.status == ResponseStatus.submitted,
        ),
        part(
            "attended",
            CafeSeat.checked_in_at,
            CafeSeat.cafe_id,
            CafeSeat.checked_in_at.is_not(None),
            CafeSeat.person_id.in_(
                select(PersonRole.person_id).where(
                    PersonRole.city_id == city_id, PersonRole.role == Role.city_representative
                )
            ),
        ),
        part("voted", PollVote.answered_at, PollVote.poll_id, PollVote.city_id == city_id),
        part(
            "ideas",
            YouthSubmission.created_at,
            YouthSubmission.id,
            YouthSubmission.city_id == city_id,
        ),
    ]


async def city_events(
    session: AsyncSession,
    city_id: int,
    *,
    limit: int | None = None,
    offset: int = 0,
    since: datetime | None = None,
) -> list[tuple[str, datetime, int]]:
    """The city's events, newest first: (kind, at, id of the item, consultation, café, poll or
    idea)."""
    events = union_all(*_events(city_id, since)).subquery()
    statement = (
        select(events.c.kind, events.c.at, events.c.ref)
        .order_by(events.c.at.desc(), events.c.kind, events.c.ref.desc())
        .offset(offset)
    )
    if limit is not None:
        statement = statement.limit(limit)
    rows = await session.execute(statement)
    return [(kind, at, ref) for kind, at, ref in rows]


async def event_labels(
    session: AsyncSession, refs: dict[str, set[int]]
) -> dict[tuple[str, int], Any]:
    """What each event refers to: an item or idea title (str), or the titles of a consultation,
    café or poll ({lang: text})."""
    sources: dict[str, tuple[Any, Any]] = {
        "published": (Item.id, Item.title),
        "answered": (Consultation.id, Consultation.titles),
        "attended": (Cafe.id, Cafe.titles),
        "voted": (Poll.id, Poll.question),
        "ideas": (YouthSubmission.id, YouthSubmission.title),
    }
    found: dict[tuple[str, int], Any] = {}
    for kind, ids in refs.items():
        if not ids or kind not in sources:
            continue
        key, label = sources[kind]
        for ref, value in await session.execute(select(key, label).where(key.in_(sorted(ids)))):
            found[(kind, ref)] = value
    return found
