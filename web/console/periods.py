"""The period form of the networks and cities pages: a preset (30 days, a quarter, a year) or
dates from/to, read from the query string; a bad date is a field error in the staff member's
language and the page shows the last 30 days meanwhile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from engagement.activity import PRESETS, Period, days_period, preset_period
from storage.base import utcnow
from web.console import i18n
from web.console.navigation import N_
from web.console.requests import lang, zone

DEFAULT_PRESET = "30d"
LONGEST_DAYS = 366 * 5
PRESET_LABELS = {"30d": N_("Last 30 days"), "quarter": N_("Last quarter"), "year": N_("Last year")}


@dataclass(frozen=True)
class PeriodChoice:
    period: Period
    preset: str | None  # None: dates
    first: date  # shown in the form (local dates, both included)
    last: date
    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)  # what was typed, shown back

    def query(self) -> dict[str, str]:
        """The query string that asks for this period again (links, the CSV export)."""
        if self.preset is not None:
            return {"preset": self.preset}
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def read_period(query: dict[str, str], lang: str, zone: ZoneInfo, now: datetime) -> PeriodChoice:
    """The period asked for in `query`; with field errors (in `lang`) and the default period
    when the dates are wrong."""
    today = now.astimezone(zone).date()
    default = preset_choice(DEFAULT_PRESET, today, zone)
    typed_first, typed_last = query.get("from", "")[:40], query.get("to", "")[:40]
    if not typed_first.strip() and not typed_last.strip():
        preset = query.get("preset", DEFAULT_PRESET)
        return preset_choice(preset if preset in PRESETS else DEFAULT_PRESET, today, zone)
    errors: dict[str, str] = {}
    first, last = _date(typed_first), _date(typed_last)
    wrong = i18n.lgettext(lang, "Enter a date as YYYY-MM-DD, for example %(example)s.")
    if first is None:
        errors["from"] = wrong % {"example": today.isoformat()}
    if last is None:
        errors["to"] = wrong % {"example": today.isoformat()}
    if first is not None and last is not None:
        if last < first:
            errors["to"] = i18n.lgettext(lang, "The end date comes before the start date.")
        elif (last - first).days >= LONGEST_DAYS:
            errors["to"] = i18n.lgettext(lang, "Choose a period of at most five years.")
    if errors or first is None or last is None:
        typed = {"from": typed_first, "to": typed_last}
        return PeriodChoice(default.period, None, default.first, default.last, errors, typed)
    return PeriodChoice(days_period(first, last, zone), None, first, last)


def preset_choice(preset: str, today: date, zone: ZoneInfo) -> PeriodChoice:
    period = preset_period(preset, today, zone)
    return PeriodChoice(period, preset, period.start.astimezone(zone).date(), today)


def asked_period(request: web.Request) -> PeriodChoice:
    return read_period(dict(request.query), lang(request), zone(request), utcnow())
