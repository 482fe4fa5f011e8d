"""Each reader's timezone, from the facts storage keeps (their choice, their city's country);
the rule and the formatting are pure, in i18n.times."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from i18n.times import reader_zone
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
