"""When a series' cadence fired: a cron expression in the secretariat's timezone (pure).

APScheduler's `CronTrigger` only looks forward, so the last fire times before a moment are found
by walking forward from a window before it; the window widens until enough fires are found
(weekly and monthly cadences need one or two steps).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

WINDOWS = (timedelta(days=2), timedelta(days=16), timedelta(days=64), timedelta(days=400))
MAX_STEPS = 5_000


class CadenceError(ValueError):
    """A series' cadence is not a valid five-field cron expression."""


def trigger(cadence: str, timezone: str) -> CronTrigger:
    """The trigger of `cadence`; raises `CadenceError` naming the expression when invalid."""
    try:
        return CronTrigger.from_crontab(cadence, timezone=ZoneInfo(timezone))
    except ValueError as error:
        raise CadenceError(f"cadence {cadence!r} is not a valid cron expression: {error}") from None


def last_fires(cadence: str, timezone: str, now: datetime, count: int = 2) -> list[datetime]:
    """Up to `count` fire times at or before `now`, oldest first, in aware UTC.

    Fewer are returned when the cadence has not fired that often in the last 400 days.
    """
    cron = trigger(cadence, timezone)
    fires: list[datetime] = []
    for window in WINDOWS:
        fires = _fires_between(cron, now - window, now)
        if len(fires) >= count:
            break
    return fires[-count:]


def last_fire(cadence: str, timezone: str, now: datetime) -> datetime | None:
    fires = last_fires(cadence, timezone, now, count=1)
    return fires[-1] if fires else None


def _fires_between(cron: CronTrigger, start: datetime, end: datetime) -> list[datetime]:
    fires: list[datetime] = []
    cursor = start
    for _ in range(MAX_STEPS):
        fire = cron.get_next_fire_time(None, cursor)
        if fire is None or fire > end:
            break
        fires.append(fire.astimezone(UTC))
        cursor = fire + timedelta(seconds=1)
    return fires
