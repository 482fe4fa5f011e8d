"""The café form: its fields read into a café document (the YAML format's mapping, checked by
engagement.cafes.schema.check_cafe like a file), and each problem put next to its field in the
staff member's language. Start and end are local times in the secretariat's timezone."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from engagement.definition_texts import reason_text
from engagement.problems import Problem
from storage.cafes import Cafe
from web.console import i18n
from web.console.requests import Form, text, texts

LANGS = i18n.LANGUAGES
LOCAL = "%Y-%m-%dT%H:%M"
# where a problem's path shows on the form
FIELD_OF = {"duration_minutes": "ends_at", "title": "title", "description": "description"}


def blank_form(zone: ZoneInfo) -> dict[str, Any]:
    return {
        "titles": {},
        "descriptions": {},
        "timezone": zone.key,
        "language": "en",
        "capacity": "30",
        "audience": "everyone",
        "networks": [],
        "speakers": "",
        "invite": True,
    }


def form_of(cafe: Cafe, zone: ZoneInfo) -> dict[str, Any]:
    """The form filled with a café's values (to edit it)."""
    return {
        "slug": cafe.slug,
        "titles": dict(cafe.titles),
        "descriptions": dict(cafe.descriptions),
        "language": cafe.language,
        "timezone": zone.key,
        "starts_at": cafe.starts_at.astimezone(zone).strftime(LOCAL),
        "ends_at": cafe.ends_at.astimezone(zone).strftime(LOCAL),
        "capacity": str(cafe.capacity),
        "call_url": cafe.call_url,
        "audience": cafe.audience,
        "networks": list(cafe.networks),
        "speakers": "\n".join(
            "; ".join(filter(None, (s.get("name"), s.get("gender"), s.get("country"))))
            for s in cafe.speakers
        ),
        "invite": False,
    }


def read_form(form: Form) -> dict[str, Any]:
    """The submitted values, as the page shows them back."""
    return {
        "slug": text(form, "slug", 64).strip().lower(),
        "titles": {c: text(form, f"title_{c}", 300).strip() for c in LANGS},
        "descriptions": {c: text(form, f"description_{c}", 2000).strip() for c in LANGS},
        "language": text(form, "language", 8).strip(),
        "timezone": text(form, "timezone", 64).strip(),
        "starts_at": text(form, "starts_at", 32).strip(),
        "ends_at": text(form, "ends_at", 32).strip(),
        "capacity": text(form, "capacity", 12).strip(),
        "call_url": text(form, "call_url", 2000).strip(),
        "audience": text(form, "audience", 32).strip(),
        "networks": texts(form, "networks"),
        "speakers": text(form, "speakers", 4000),
        "invite": text(form, "invite", 8) == "yes",
    }


def _local(value: str) -> datetime | None:
    try:
        # naive on purpose: local to the form's timezone, which check_cafe applies
        return datetime.strptime(value, LOCAL)  # noqa: DTZ007
    except ValueError:
        return None


def cafe_document(values: dict[str, Any], lang: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The café document of the form's values, and the errors only the form can have (end
    before start, a number that is not one), in `lang`, by field."""
    errors: dict[str, str] = {}
    starts, ends = _local(values["starts_at"]), _local(values["ends_at"])
    if starts is None:
        errors["starts_at"] = i18n.lgettext(lang, "Please give a date and time.")
    if ends is None:
        errors["ends_at"] = i18n.lgettext(lang, "Please give a date and time.")
    elif starts is not None and ends <= starts:
        errors["ends_at"] = i18n.lgettext(lang, "The end must be after the start.")
    capacity: Any = values["capacity"]
    if capacity.isdigit():
        capacity = int(capacity)
    elif capacity:
        errors["capacity"] = i18n.lgettext(lang, "Please give a whole number.")
    document: dict[str, Any] = {
        "slug": values["slug"] or None,
        "title": {c: t for c, t in values["titles"].items() if t},
        "description": {c: t for c, t in values["descriptions"].items() if t} or None,
        "language": values["language"] or None,
        "timezone": values["timezone"] or None,
        "starts_at": starts.isoformat() if starts else None,
        "duration_minutes": int((ends - starts).total_seconds() // 60)
        if starts and ends and ends > starts
        else None,
        "capacity": capacity or None,
        "call_url": values["call_url"] or None,
        "audience": values["audience"] or None,
        "networks": values["networks"] or None,
        "speakers": speakers_of(values["speakers"]) or None,
    }
    if errors:  # the check would only repeat "missing" for these fields
        for key in ("starts_at", "duration_minutes", "capacity"):
            if document[key] is None:
                document[key] = _PLACEHOLDER[key]
    return document, errors


# stand-ins for fields the form already refused, so the check reports only the other problems
_PLACEHOLDER: dict[str, Any] = {
    "starts_at": "2000-01-01T00:00",
    "duration_minutes": 60,
    "capacity": 1,
}


def speakers_of(lines: str) -> list[dict[str, str]]:
    """One speaker a line: `name; gender; country` (gender and country optional)."""
    found = []
    for line in lines.splitlines():
        parts = [p.strip() for p in line.split(";")]
        if not parts[0]:
            continue
        speaker = {"name": parts[0]}
        if len(parts) > 1 and parts[1]:
            speaker["gender"] = parts[1]
        if len(parts) > 2 and parts[2]:
            speaker["country"] = parts[2].upper()
        found.append(speaker)
    return found


def field_errors(problems: list[Problem], lang: str, known: dict[str, str]) -> dict[str, str]:
    """Each problem next to its field (the first per field), in `lang`; `known` kept."""
    errors = dict(known)
    for problem in problems:
        head = problem.path.split(".")[0].split("[")[0] or "slug"
        field = FIELD_OF.get(head, head)
        if field not in errors:
            where = problem.path if problem.path != head else ""
            reason = reason_text(problem, lang)
            errors[field] = f"{where}: {reason}" if where else reason
    return errors
