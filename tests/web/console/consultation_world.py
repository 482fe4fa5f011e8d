"""Data the consultation pages are tested with: the declaration (tests/bot) asked of four cities
in three countries, three of them answered, each city with a representative in the bot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from engagement.consultations import lifecycle
from storage.base import utcnow
from storage.consultations import (
    ConsultationResponse,
    ConsultationStatus,
    ResponseStatus,
)
from storage.engine import SessionFactory
from storage.people import Person, PersonRole, Role
from tests.bot.consultation_support import add_city, declaration_yaml

CITIES = (
    ("Barcelona", "ES", "spain"),
    ("Girona", "ES", "spain"),
    ("Lisboa", "PT", "portugal"),
    ("Lyon", "FR", "francophone"),
)
ANSWERS: dict[str, dict[str, Any]] = {
    "Barcelona": {
        "priority": "inclusion",
        "actions": ["schools", "parks"],
        "satisfaction": 4,
        "why": "Escuelas abiertas para todos",
        "budget": 100,
    },
    "Lisboa": {"priority": "climate", "actions": ["schools"], "satisfaction": 2, "budget": 50},
    "Girona": {
        "priority": "inclusion",
        "actions": ["transport"],
        "satisfaction": 5,
        "why": "Inclusió a totes les escoles",
        "budget": 10,
    },
}


@dataclass
class ConsultationWorld:
    consultation_id: int
    cities: dict[str, int]
    people: dict[str, int] = field(default_factory=dict)  # city → its representative


async def submit(
    sessions: SessionFactory, consultation_id: int, city_id: int, answers: dict[str, Any]
) -> None:
    """A city's submitted response, as the bot stores it."""
    now = utcnow()
    async with sessions() as session:
        session.add(
            ConsultationResponse(
                consultation_id=consultation_id,
                unit="city",
                city_id=city_id,
                language="en",
                status=ResponseStatus.submitted,
                answers=answers,
                submitted_at=now,
                updated_at=now,
            )
        )
        await session.commit()


async def consultation_world(
    sessions: SessionFactory, *, status: ConsultationStatus = ConsultationStatus.open
) -> ConsultationWorld:
    cities = {name: await add_city(sessions, name, country, net) for name, country, net in CITIES}
    async with sessions() as session:
        created = await lifecycle.create_consultation(session, declaration_yaml(), actor="test")
        created.status = status
        people = {}
        for n, (name, city_id) in enumerate(cities.items()):
            person = Person(
                telegram_id=9000 + n,
                display_name=f"Rep {name}",
                language="en",
                roles=[PersonRole(role=Role.city_representative, city_id=city_id)],
            )
            session.add(person)
            await session.flush()
            people[name] = person.id
        await session.commit()
        world = ConsultationWorld(created.id, cities, people)
    for name, answers in ANSWERS.items():
        await submit(sessions, world.consultation_id, cities[name], answers)
    return world


def closes_soon() -> str:
    return (utcnow() + timedelta(days=2)).isoformat()
