"""SQL for where a consultation stands, as staff follow it in the console: the units asked
(cities, or people) with their names and countries, and which responses are under way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.consultations import ConsultationResponse, ResponseStatus
from storage.networks import City
from storage.people import Person


@dataclass(frozen=True)
class Place:
    name: str
    country: str  # ISO 3166-1 alpha-2; "" for a person


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


@dataclass(frozen=True)
class SubmittedLine:
    """A submitted response's columns the results need (no ORM object: hundreds are read on
    every refresh of the console's results)."""

    id: int
    unit: str
    city_id: int | None
    person_id: int | None
    language: str
    submitted_at: datetime
    answers: dict[str, Any]
    channel: str


async def submitted_lines(session: AsyncSession, consultation_id: int) -> list[SubmittedLine]:
    """The submitted responses of a consultation, oldest first."""
    r = ConsultationResponse
    query = (
        select(
            r.id,
            r.unit,
            r.city_id,
            r.person_id,
            r.language,
            r.submitted_at,
            r.updated_at,
            r.answers,
            r.channel,
        )
        .where(r.consultation_id == consultation_id, r.status == ResponseStatus.submitted)
        .order_by(r.submitted_at, r.id)
    )
    return [
        SubmittedLine(i, unit, city, person, language, submitted or updated, answers, channel)
        for i, unit, city, person, language, submitted, updated, answers, channel in (
            await session.execute(query)
        ).all()
    ]


async def all_cities(session: AsyncSession) -> dict[int, Place]:
    """Every city's name and country (cheaper than naming hundreds of ids)."""
    query = select(City.id, City.name, City.country)
    return {i: Place(n, c) for i, n, c in (await session.execute(query)).all()}
