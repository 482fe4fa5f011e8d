"""The month grid of the café calendar (pure): whole weeks from the locale's first weekday,
each café on its day in the secretariat's timezone, months asked for by `YYYY-MM`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest

from web.console.cafe_calendar import month_asked, month_bounds, month_grid

MADRID = ZoneInfo("Europe/Madrid")


def cafe(starts_at: datetime) -> Any:
    return cast(Any, SimpleNamespace(starts_at=starts_at))


def test_weeks_start_on_the_locales_first_day_and_cafes_sit_on_their_local_day() -> None:
    late = cafe(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # 1 December, 00:30 in Madrid
    month = month_grid(date(2026, 11, 1), [late], MADRID, "fr")
    assert month.title == "novembre 2026" and month.weekdays[0][1] == "lundi"
    assert month.weeks[0][0].day == date(2026, 10, 26) and not month.weeks[0][0].in_month
    assert all(len(week) == 7 for week in month.weeks)
    assert [d.day for w in month.weeks for d in w if d.cafes] == [date(2026, 12, 1)]
    assert (month.previous, month.next) == ("2026-10", "2026-12")
    assert month_grid(date(2026, 1, 1), [], MADRID, "en").previous == "2025-12"


def test_the_month_asked_for_and_its_bounds() -> None:
    assert month_asked(None, date(2026, 12, 7)) == date(2026, 12, 1)
    assert month_asked("2027-02", date(2026, 12, 7)) == date(2027, 2, 1)
    for bad in ("2027-13", "2027-00", "27-02", "2027-2", "x"):
        with pytest.raises(ValueError):
            month_asked(bad, date(2026, 12, 7))
    start, end = month_bounds(date(2026, 3, 1), MADRID)
    assert start.utcoffset() != end.utcoffset()  # summer time starts in March
    assert end.date() == date(2026, 4, 1)
