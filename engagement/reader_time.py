"""Each reader's timezone, from the facts storage keeps (their choice, their city's country);
the rule and the formatting are pure, in i18n.times."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from i18n.times import reader_zone, valid_zone
from storage.people import Person
from storage.people_queries import timezone_facts


async def reader_zones(
    session: AsyncSession, person_ids: Sequence[int], fallback: str
) -> dict[int, ZoneInfo]:
    """Each person's zone (see `reader_zone`); people unknown get the secretariat's."""
    facts = await timezone_facts(session, person_ids)
    unknown: tuple[str | None, str | None] = (None, None)
    return {pid: reader_zone(*facts.get(pid, unknown), fallback) for pid in person_ids}


async def zone_of(session: AsyncSession, person_id: int, fallback: str) -> ZoneInfo:
    return (await reader_zones(session, [person_id], fallback))[person_id]


async def person_zone(session: AsyncSession, person: Person, fallback: str) -> ZoneInfo:
    """`zone_of` for the person at hand: no query when their own zone, or the city of their
    first city role, is loaded already (the bot loads the person with roles and cities)."""
    own = valid_zone(person.timezone)
    if own is not None:
        return own
    state = inspect(person)
    if "roles" in state.unloaded:
        return await zone_of(session, person.id, fallback)
    roles = sorted((r for r in person.roles if r.city_id is not None), key=lambda r: r.id)
    if not roles:
        return reader_zone(None, None, fallback)
    if "city" in inspect(roles[0]).unloaded:
        return await zone_of(session, person.id, fallback)
    city = roles[0].city
    return reader_zone(None, city.country if city else None, fallback)
