"""The campaign's timeline relative to 30 November, the International Day (pure).

Each step has a day offset, the chat audience it speaks to, and whether it opens a
consultation. Its time defaults to 09:00 in the secretariat's timezone on its day; staff may
move a step (an override). Nothing here touches the database or the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from campaigns.errors import CampaignError

DAY_MONTH, DAY_OF_MONTH = 11, 30
SEND_TIME = time(9, 0)
# a step found due later than this (the scheduler was down) waits for staff to launch it,
# so that a "tomorrow" reminder is never sent the day after
LATE_LIMIT = timedelta(days=2)


@dataclass(frozen=True)
class StepSpec:
    key: str
    offset_days: int
    chat_audience: str  # an audience of bot.broadcast.AUDIENCES
    consultation: str | None = None  # template name in campaigns/templates (without .yaml)
    # the consultation closes at this step's time (its key)
    closes_with: str | None = None


STEPS: tuple[StepSpec, ...] = (
    StepSpec("d-45", -45, "city_representatives", "activities", closes_with="d-1"),
    StepSpec("d-30", -30, "city_representatives", "declaration", closes_with="d-10"),
    StepSpec("d-10", -10, "city_representatives"),
    StepSpec("d-1", -1, "everyone"),
    StepSpec("d", 0, "everyone"),
    StepSpec("d+7", 7, "everyone"),
)
STEP_KEYS: tuple[str, ...] = tuple(s.key for s in STEPS)
CHANNELS = ("email", "chat")


class TimelineError(CampaignError, ValueError):
    """A step key or a date that does not fit the timeline; one sentence for the user."""


def spec(key: str) -> StepSpec:
    """The step `key` ("d-45", "D-45", "d", "d+7"…); TimelineError when unknown."""
    normal = key.strip().lower().replace(" ", "")
    for step in STEPS:
        if step.key == normal:
            return step
    raise TimelineError(f"unknown step {key!r}; the steps are {', '.join(STEP_KEYS)}")


def day_of(year: int) -> date:
    """The International Day of Educating Cities of `year`."""
    return date(year, DAY_MONTH, DAY_OF_MONTH)


def day_has_passed(year: int, timezone: str, now: datetime) -> bool:
    """Whether `year`'s Day is over in `timezone` at `now`: a campaign for it could only send
    its steps late, so none is created."""
    return now.astimezone(ZoneInfo(timezone)).date() > day_of(year)


def at_send_time(day: date, timezone: str) -> datetime:
    """09:00 on `day` in `timezone`, as aware UTC."""
    local = datetime.combine(day, SEND_TIME, tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)


def default_due(year: int, key: str, timezone: str) -> datetime:
    return at_send_time(day_of(year) + timedelta(days=spec(key).offset_days), timezone)


def nominal_day(year: int, key: str) -> datetime:
    """The step's day at 00:00 UTC: a stable identity for what it sends (moves keep it)."""
    day = day_of(year) + timedelta(days=spec(key).offset_days)
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


@dataclass(frozen=True)
class PlannedStep:
    key: str
    due_at: datetime
    moved: bool


def plan_timeline(
    year: int, timezone: str, overrides: Mapping[str, datetime] | None = None
) -> list[PlannedStep]:
    """Every step of `year` in time order, with staff overrides (aware datetimes) applied."""
    overrides = overrides or {}
    for key, moment in overrides.items():
        spec(key)
        if moment.tzinfo is None:
            raise TimelineError(f"the new time of {key} must carry a timezone")
    steps = [
        PlannedStep(
            s.key, overrides.get(s.key) or default_due(year, s.key, timezone), s.key in overrides
        )
        for s in STEPS
    ]
    return sorted(steps, key=lambda s: (s.due_at, STEP_KEYS.index(s.key)))


def parse_moment(value: str, timezone: str) -> datetime:
    """ "2026-10-20" (09:00 that day) or "2026-10-20T15:30" (secretariat time, unless the
    value carries an offset) as aware UTC; TimelineError when unreadable."""
    text = value.strip()
    try:
        if len(text) == 10:
            return at_send_time(date.fromisoformat(text), timezone)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise TimelineError(
            f"{value!r} is not a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


def is_due(due_at: datetime, now: datetime) -> bool:
    """Due now for the scheduler: its time has come, and not longer ago than LATE_LIMIT."""
    return due_at <= now < due_at + LATE_LIMIT
