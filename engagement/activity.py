"""How much networks and cities take part, and which need attention first (pure).

A city's activity over a period is six counts (`Kind`): its feeds' items published, its items
featured in a sent bulletin, consultations it answered, cafés its representatives attended, poll
votes and youth ideas from it. Each count is kept for the period and for the previous period
of equal length (the trend), with the last time it happened (the last sign of life). A network's
activity is the sum of its member cities' plus what its own feeds (feeds of no city) published.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T")
DAY = timedelta(days=1)
STALE_AFTER_DAYS = 90


class Kind(enum.StrEnum):
    published = "published"
    featured = "featured"
    answered = "answered"
    attended = "attended"
    voted = "voted"
    ideas = "ideas"


KINDS: tuple[Kind, ...] = tuple(Kind)
# What the city did itself: a bulletin featuring an older item is our doing, not a sign of life.
SIGNS_OF_LIFE: tuple[Kind, ...] = tuple(k for k in Kind if k is not Kind.featured)
# the period presets of the form: their length in days
PRESETS: dict[str, int] = {"30d": 30, "quarter": 91, "year": 365}


@dataclass(frozen=True)
class Period:
    """From `start` (included) to `end` (excluded), aware UTC."""

    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> Period:
        """The period of equal length just before this one (the trend compares them)."""
        return Period(self.start - self.length, self.start)


def days_period(first: date, last: date, zone: ZoneInfo) -> Period:
    """Whole days from `first` to `last` (both included) in `zone`, as UTC instants."""
    start = datetime.combine(first, time(), zone).astimezone(UTC)
    end = datetime.combine(last + DAY, time(), zone).astimezone(UTC)
    return Period(start, end)


def preset_period(preset: str, today: date, zone: ZoneInfo) -> Period:
    """The `PRESETS[preset]` whole days ending with `today` (KeyError for an unknown preset)."""
    return days_period(today - timedelta(days=PRESETS[preset] - 1), today, zone)


@dataclass(frozen=True)
class Tally:
    """One kind of activity: how often in the period, in the previous one, and when last."""

    current: int = 0
    previous: int = 0
    last_at: datetime | None = None

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.current + other.current,
            self.previous + other.previous,
            latest(self.last_at, other.last_at),
        )


def latest(*moments: datetime | None) -> datetime | None:
    found = [m for m in moments if m is not None]
    return max(found) if found else None


@dataclass(frozen=True)
class Trend:
    """This period against the previous one of equal length."""

    current: int
    previous: int

    @property
    def change(self) -> float | None:
        """The relative change (0.25 is +25 %); None when the previous period had nothing."""
        return (self.current - self.previous) / self.previous if self.previous else None

    @property
    def direction(self) -> str:
        """ "up", "down", "flat", "new" (nothing before, something now) or "none" (nothing)."""
        if self.previous == 0:
            return "new" if self.current else "none"
        if self.current == self.previous:
            return "flat"
        return "up" if self.current > self.previous else "down"


@dataclass(frozen=True)
class Activity:
    tallies: Mapping[Kind, Tally] = field(default_factory=dict)
    # read many times per page (tables, ranking, chart): computed once
    total: int = field(init=False)
    previous_total: int = field(init=False)
    last_sign_of_life: datetime | None = field(init=False)

    def __post_init__(self) -> None:
        tallies = self.tallies.values()
        lives = (t.last_at for k, t in self.tallies.items() if k in SIGNS_OF_LIFE)
        object.__setattr__(self, "total", sum(t.current for t in tallies))
        object.__setattr__(self, "previous_total", sum(t.previous for t in tallies))
        object.__setattr__(self, "last_sign_of_life", latest(*lives))

    def count(self, kind: Kind) -> int:
        found = self.tallies.get(kind)
        return found.current if found is not None else 0

    @property
    def trend(self) -> Trend:
        return Trend(self.total, self.previous_total)

    def __add__(self, other: Activity) -> Activity:
        return combine([self, other])


def combine(activities: Iterable[Activity]) -> Activity:
    """The sum of `activities`, kind by kind (the latest of their last times)."""
    sums: dict[Kind, tuple[int, int, datetime | None]] = {}
    for activity in activities:
        for kind, tally in activity.tallies.items():
            current, previous, last = sums.get(kind, (0, 0, None))
            if last is None or (tally.last_at is not None and tally.last_at > last):
                last = tally.last_at
            sums[kind] = (current + tally.current, previous + tally.previous, last)
    return Activity({kind: Tally(*values) for kind, values in sums.items()})


def by_city(per_kind: Mapping[Kind, Mapping[int, Tally]]) -> dict[int, Activity]:
    """Per-kind tallies keyed by city, turned into one `Activity` per city."""
    cities: dict[int, dict[Kind, Tally]] = {}
    for kind, tallies in per_kind.items():
        for city_id, tally in tallies.items():
            cities.setdefault(city_id, {})[kind] = tally
    return {city_id: Activity(tallies) for city_id, tallies in cities.items()}


def network_activity(
    cities: Mapping[int, Activity],
    members: Sequence[int],
    own: Activity | None = None,
) -> Activity:
    """A network's activity: its `members`' (city ids) plus its `own` feeds'."""
    return combine([*(cities.get(c, Activity()) for c in members), own or Activity()])


def attention(activity: Activity, members: int, period: Period) -> float:
    """How much a network (or a city: `members=1`) needs attention, from 0 to 100.

    - Nothing at all in the period: 100, above every network that did something.
    - Otherwise `50 × quiet + 30 × decline + 20 × stale`, where
      `quiet = 1 / (1 + total / max(members, 1))` (activity per member city: near 1 when
      little, below 1 as soon as anything happened, so the score stays under 100);
      `decline = (previous − current) / previous` when the period fell below the previous
      one, else 0; `stale = min(days from the last sign of life to the period's end, 90) / 90`
      (1 when there never was one).
    """
    total = activity.total
    if total == 0:
        return 100.0
    quiet = 1 / (1 + total / max(members, 1))
    trend = activity.trend
    decline = max(0.0, (trend.previous - trend.current) / trend.previous) if trend.previous else 0.0
    last = activity.last_sign_of_life
    if last is None:
        stale = 1.0
    else:
        days = max(0.0, (period.end - last) / DAY)
        stale = min(days, STALE_AFTER_DAYS) / STALE_AFTER_DAYS
    return round(50 * quiet + 30 * decline + 20 * stale, 1)


def by_attention(
    rows: Iterable[T],
    score: Callable[[T], float],
    last_seen: Callable[[T], datetime | None],
    name: Callable[[T], str],
) -> list[T]:
    """`rows` by need of attention: highest score first, then the longest silent (never first),
    then by name."""
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(rows, key=lambda r: (-score(r), last_seen(r) or oldest, name(r).casefold()))
