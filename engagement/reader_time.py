"""Times as a reader reads them: in their timezone, in their language, with the zone's name.

Storage keeps every moment in UTC; only what a person reads is local. A person's timezone is
the one they chose (`/timezone`), else their city's (from its country), else the secretariat's
(`AIVE_TIMEZONE`). Pure, except `reader_zones`, which reads the facts from storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.core import get_global
from babel.dates import format_date, format_time, get_timezone_location
from sqlalchemy.ext.asyncio import AsyncSession

from storage.people_queries import timezone_facts

# Countries with several zones: the one where most people live (CLDR lists them unordered).
MAIN_ZONES: dict[str, str] = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "CD": "Africa/Kinshasa",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MX": "America/Mexico_City",
    "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "US": "America/New_York",
}


def valid_zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def country_zone(country: str | None) -> str | None:
    """The timezone of a country (ISO 3166-1 alpha-2), its main one when it has several."""
    if not country:
        return None
    code = country.upper()
    if code in MAIN_ZONES:
        return MAIN_ZONES[code]
    zones = get_global("territory_zones").get(code) or []
    return zones[0] if zones else None


def zone(name: str | None, fallback: str) -> ZoneInfo:
    """The reader's timezone, else the secretariat's (`fallback`), else UTC."""
    return valid_zone(name) or valid_zone(fallback) or ZoneInfo("UTC")


def reader_zone(own: str | None, country: str | None, fallback: str) -> ZoneInfo:
    """The zone the person chose, else their city's country's, else the secretariat's."""
    return valid_zone(own) or zone(country_zone(country), fallback)


async def reader_zones(
    session: AsyncSession, person_ids: Sequence[int], fallback: str
) -> dict[int, ZoneInfo]:
    """Each person's zone (see `reader_zone`); people unknown get the secretariat's."""
    facts = await timezone_facts(session, person_ids)
    unknown: tuple[str | None, str | None] = (None, None)
    return {pid: reader_zone(*facts.get(pid, unknown), fallback) for pid in person_ids}


async def zone_of(session: AsyncSession, person_id: int, fallback: str) -> ZoneInfo:
    return (await reader_zones(session, [person_id], fallback))[person_id]


def zone_name(tz: ZoneInfo, lang: str) -> str:
    """The zone as CLDR names it in `lang` ("hora de España (Madrid)").

    CLDR's Catalan pattern "Hora de: {0}" leaves a colon where Catalan elides:
    "hora d'Espanya (Madrid)", "hora de Portugal (Lisboa)".
    """
    if str(tz.key) == "UTC":
        return "UTC"
    name = get_timezone_location(tz, locale=lang)
    if lang == "ca" and name.startswith("Hora de: "):
        place = name.removeprefix("Hora de: ")
        return ("hora d'" if _elides(place) else "hora de ") + place
    return name


def _elides(word: str) -> bool:
    """Catalan `de` becomes `d'` before a vowel or h + vowel (not before a semivowel i/u)."""
    lowered = word.lower()
    if lowered.startswith("h"):
        lowered = lowered[1:]
    semivowel = lowered.startswith(("ia", "ie", "io", "iu", "ua", "ue", "ui", "uo"))
    return bool(lowered) and lowered[0] in "aeiouàèéíòóú" and not semivowel


def local_time(moment: datetime, tz: ZoneInfo, lang: str) -> str:
    """E.g. `miércoles, 18 de noviembre de 2026, 13:00 (hora de Brasil (São Paulo))`."""
    local = moment.astimezone(tz)
    day = format_date(local, "full", locale=lang)
    hour = format_time(local, "short", tzinfo=tz, locale=lang)
    return f"{day}, {hour} ({zone_name(tz, lang)})"


def staff_time(moment: datetime, tz: ZoneInfo) -> str:
    """For the command line and staff lists: `2026-11-20 23:59 Europe/Madrid`."""
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M} {tz.key}"


@cache
def zone_names() -> dict[str, str]:
    """Every IANA zone by its lowered name and by its lowered city ("buenos aires")."""
    found: dict[str, str] = {}
    for key in sorted(available_timezones()):
        if "/" not in key or key.startswith(("Etc/", "SystemV/")):
            continue
        found[key.lower()] = key
        found.setdefault(key.rsplit("/", 1)[1].replace("_", " ").lower(), key)
    return found


def find_zone(text: str) -> str | None:
    """The IANA zone a person means: `Europe/Lisbon`, `Lisbon` or `buenos aires`; None."""
    wanted = " ".join(text.replace("_", " ").split()).lower()
    names = zone_names()
    return names.get(wanted) or names.get(wanted.replace(" ", "_"))
