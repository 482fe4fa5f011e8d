"""Who gets a reminder: pure, over plain values (the service reads them from the database)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

REMINDER_LEAD = timedelta(days=3)


@dataclass(frozen=True)
class Candidate:
    person_id: int
    unit_id: int  # the city the person represents, or the person itself (per-person)


def reminder_window_open(opens_at: datetime, closes_at: datetime, now: datetime) -> bool:
    """Reminders go out in the last three days before closing (never before opening)."""
    return max(opens_at, closes_at - REMINDER_LEAD) <= now < closes_at


def select_reminders(
    candidates: Iterable[Candidate],
    submitted_units: Iterable[int],
    already_reminded: Iterable[int],
    *,
    opens_at: datetime,
    closes_at: datetime,
    now: datetime,
) -> list[int]:
    """Person ids to remind: eligible, their city (or themselves) has not submitted, not yet
    reminded for this consultation, and it is within three days of closing."""
    if not reminder_window_open(opens_at, closes_at, now):
        return []
    return not_answered(candidates, submitted_units, already_reminded)


def not_answered(
    candidates: Iterable[Candidate],
    submitted_units: Iterable[int],
    already_reminded: Iterable[int] = (),
) -> list[int]:
    """Person ids whose city (or themselves) has not submitted and who were not reminded yet,
    once each, in the candidates' order (whatever the date: staff may remind at any time)."""
    done = set(submitted_units)
    reminded = set(already_reminded)
    chosen: list[int] = []
    for candidate in candidates:
        if candidate.unit_id in done or candidate.person_id in reminded:
            continue
        if candidate.person_id not in chosen:
            chosen.append(candidate.person_id)
    return chosen
