"""A café's `.ics` file (pure); its time for a reader is engagement.reader_time.local_time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from outbox.content import localized

PRODID = "-//AIVE Comms//Virtual cafes//EN"


@dataclass(frozen=True)
class CalendarEvent:
    cafe_id: int
    titles: Mapping[str, str]
    descriptions: Mapping[str, str]
    starts_at: datetime
    duration_minutes: int
    sequence: int  # grows with each reschedule, so calendars replace the old time


def calendar_file(event: CalendarEvent, lang: str, *, now: datetime, host: str) -> bytes:
    """An iCalendar (RFC 5545) file with one event in UTC; never the call link (sent later)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = Event()
    entry.add("uid", f"cafe-{event.cafe_id}@{host}")
    entry.add("sequence", event.sequence)
    entry.add("dtstamp", now.astimezone(UTC))
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.starts_at.astimezone(UTC) + timedelta(minutes=event.duration_minutes))
    entry.add("summary", localized(event.titles, lang) or "")
    description = localized(event.descriptions, lang)
    if description:
        entry.add("description", description)
    calendar.add_component(entry)
    return calendar.to_ical()
