"""The kit's calendar: the Day as an all-day event on 30 November, and every activity whose
date is known, as an iCalendar (RFC 5545) document."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from icalendar import Calendar, Event

from campaigns.kit.content import Activity, KitInput, KitTexts

PRODUCT_ID = "-//International Association of Educating Cities//Day kit//EN"


def kit_calendar(kit: KitInput, texts: KitTexts) -> bytes:
    """The `.ics` of `texts.language`: the Day first, then the dated activities."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{texts.day_name} {kit.year}")
    day = Event()
    day.add("uid", f"day-{kit.year}-{texts.language}@aive")
    day.add("dtstamp", kit.generated_at)
    day.add("dtstart", kit.day_date)
    day.add("dtend", kit.day_date + timedelta(days=1))
    day.add("summary", texts.day_name)
    day.add("description", " ".join(p for p in (texts.tagline, texts.theme_sentence) if p))
    if kit.url:
        day.add("url", kit.url)
    calendar.add_component(day)
    for activity in kit.all_activities():
        if activity.date is not None:
            calendar.add_component(_event(kit, texts, activity))
    return bytes(calendar.to_ical())


def _event(kit: KitInput, texts: KitTexts, activity: Activity) -> Event:
    assert activity.date is not None
    key = "|".join((activity.source, activity.city, activity.title, activity.date.isoformat()))
    event = Event()
    event.add("uid", f"{hashlib.sha256(key.encode()).hexdigest()[:24]}-{texts.language}@aive")
    event.add("dtstamp", kit.generated_at)
    event.add("dtstart", activity.date)
    event.add("dtend", activity.date + timedelta(days=1))
    event.add("summary", f"{activity.title} ({activity.city})" if activity.city else activity.title)
    if activity.place:
        event.add("location", activity.place)
    description = " · ".join(p for p in (activity.audience, texts.day_name) if p)
    event.add("description", description)
    if activity.link.startswith(("http://", "https://")):
        event.add("url", activity.link)
    return event
