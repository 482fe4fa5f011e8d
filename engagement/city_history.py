"""A city's whole history: every item its feeds published, every consultation it answered,
café its representatives attended, poll vote and youth idea, newest first, a page at a time; and
its activity per month (the city page's chart)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.activity import Kind
from storage import activity_queries as queries

PAGE_SIZE = 30


@dataclass(frozen=True)
class CityEvent:
    kind: Kind
    at: datetime
    ref: int  # the item, consultation, café, poll or idea
    label: str


@dataclass(frozen=True)
class HistoryPage:
    events: list[CityEvent]
    page: int
    has_next: bool


def in_language(value: Any, lang: str) -> str:
    """A title as stored: a plain string, or {lang: text} read in `lang`, then `en`, then any."""
    if isinstance(value, Mapping):
        found = value.get(lang) or value.get("en") or next(iter(value.values()), "")
        return str(found)
    return str(value or "")


async def city_history(
    session: AsyncSession, city_id: int, lang: str, page: int = 1, size: int = PAGE_SIZE
) -> HistoryPage:
    """Page `page` (from 1) of the city's events, newest first; titles in `lang`."""
    rows = await queries.city_events(session, city_id, limit=size + 1, offset=(page - 1) * size)
    shown = rows[:size]
    refs: dict[str, set[int]] = {}
    for kind, _, ref in shown:
        refs.setdefault(kind, set()).add(ref)
    labels = await queries.event_labels(session, refs)
    events = [
        CityEvent(Kind(kind), at, ref, in_language(labels.get((kind, ref)), lang))
        for kind, at, ref in shown
    ]
    return HistoryPage(events, page, len(rows) > size)


def month_starts(last: date, months: int) -> list[date]:
    """The first days of the `months` months ending with `last`'s, oldest first."""
    found = []
    year, month = last.year, last.month
    for _ in range(months):
        found.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def per_month(
    moments: Iterable[datetime], today: date, zone: ZoneInfo, months: int = 12
) -> list[tuple[date, int]]:
    """How many of `moments` fell in each of the `months` months ending with `today`'s (in
    `zone`), oldest first, months with nothing included."""
    starts = month_starts(today, months)
    counted = Counter(m.astimezone(zone).date().replace(day=1) for m in moments)
    return [(start, counted.get(start, 0)) for start in starts]


async def city_months(
    session: AsyncSession, city_id: int, now: datetime, zone: ZoneInfo, months: int = 12
) -> tuple[list[tuple[date, int]], Counter[Kind]]:
    """The city's events per month over the last `months` months, and per kind over them."""
    first = month_starts(now.astimezone(zone).date(), months)[0]
    since = datetime.combine(first, datetime.min.time(), zone)
    rows = await queries.city_events(session, city_id, since=since)
    kinds: Counter[Kind] = Counter(Kind(kind) for kind, _, _ in rows)
    return per_month((at for _, at, _ in rows), now.astimezone(zone).date(), zone, months), kinds
