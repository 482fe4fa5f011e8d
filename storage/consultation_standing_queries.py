"""SQL for where a consultation stands, as staff follow it in the console: the units asked
(cities, or people) with their names and countries, and which responses are under way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.consultations import ConsultationResponse, ResponseStatus
from storage.networks import City
from storage.people import Person


@dataclass(frozen=True)
class Place:
    name: str
    country: str  # ISO 3166-1 alpha-2; "" for a person


async def cities(session: AsyncSession, city_ids: Sequence[int]) -> dict[int, Place]:
    """The name and country of each of these cities (those that exist)."""
    if not city_ids:
        return {}
    query = select(City.id, City.name, City.country).where(City.id.in_(list(set(city_ids))))
    return {i: Place(n, c) for i, n, c in (await session.execute(query)).all()}


async def people(session: AsyncSession, person_ids: Sequence[int]) -> dict[int, Place]:
    """The display name of each of these people (those that exist), with no country."""
    if not person_ids:
        return {}
    query = select(Person.id, Person.display_name).where(Person.id.in_(list(set(person_ids))))
    return {i: Place(n or f"#{i}", "") for i, n in (await session.execute(query)).all()}


async def units_in_progress(session: AsyncSession, consultation_id: int) -> set[int]:
    """The units (city ids, or person ids) whose response is started and not submitted."""
    query = select(
        ConsultationResponse.unit, ConsultationResponse.city_id, ConsultationResponse.person_id
    ).where(
        ConsultationResponse.consultation_id == consultation_id,
        ConsultationResponse.status == ResponseStatus.in_progress,
    )
    found: set[int] = set()
    for unit, city_id, person_id in (await session.execute(query)).all():
        chosen = city_id if unit == "city" else person_id
        if chosen is not None:
            found.add(chosen)
    return found
