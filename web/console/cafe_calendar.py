"""The month calendar of cafés (pure): which month the page shows, its bounds in UTC, and the
weeks of days with the cafés starting on each, all in the secretariat's timezone."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.core import Locale
from babel.dates import format_date, get_day_names

from storage.cafes import Cafe

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass
class Day:
    day: date
    in_month: bool
    cafes: list[Cafe] = field(default_factory=list)


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[Day]]
    title: str  # "November 2026" in the reader's language
    weekdays: list[tuple[str, str]]  # (abbreviated, full) names, the locale's first day first

    @property
    def previous(self) -> str:
        return month_key((self.first - timedelta(days=1)).replace(day=1))

    @property
    def next(self) -> str:
        return month_key(next_month(self.first))

    @property
    def key(self) -> str:
        return month_key(self.first)


def month_key(first: date) -> str:
    return f"{first.year:04d}-{first.month:02d}"


def next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_asked(value: str | None, today: date) -> date:
    """The first day of `?month=YYYY-MM`, or of this month; ValueError when malformed."""
    if not value:
        return today.replace(day=1)
    found = MONTH.match(value)
    if not found or not 1 <= int(found.group(2)) <= 12 or not 1900 < int(found.group(1)) < 3000:
        raise ValueError(f"not a month: {value!r}")
    return date(int(found.group(1)), int(found.group(2)), 1)


def month_bounds(first: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, local to `zone`."""
    start = datetime.combine(first, time(), tzinfo=zone)
    return start, datetime.combine(next_month(first), time(), tzinfo=zone)


def month_grid(first: date, cafes: Iterable[Cafe], zone: ZoneInfo, lang: str) -> Month:
    """Whole weeks covering the month, from the locale's first weekday, each café on its
    local day."""
    locale = Locale.parse(lang)
    week_start = locale.first_week_day  # 0 = Monday
    start = first - timedelta(days=(first.weekday() - week_start) % 7)
    end = next_month(first)
    days: dict[date, Day] = {}
    weeks: list[list[Day]] = []
    day = start
    while day < end or len(weeks) == 0 or len(weeks[-1]) < 7:
        if not weeks or len(weeks[-1]) == 7:
            weeks.append([])
        found = Day(day, day.month == first.month)
        days[day] = found
        weeks[-1].append(found)
        day += timedelta(days=1)
    for cafe in cafes:
        local = cafe.starts_at.astimezone(zone).date()
        if local in days:
            days[local].cafes.append(cafe)
    short = get_day_names("abbreviated", locale=locale)
    wide = get_day_names("wide", locale=locale)
    order = [(week_start + i) % 7 for i in range(7)]
    return Month(
        first,
        weeks,
        format_date(first, "LLLL y", locale=locale),
        [(short[i], wide[i]) for i in order],
    )
