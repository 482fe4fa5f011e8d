"""The console benchmark's consultation: 600 member cities (each with a representative in the
bot) asked a 9-question consultation, 500 of them answered, with 4 free-text answers each
(2,000), inserted in bulk."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

from engagement.consultations import lifecycle
from storage.base import utcnow
from storage.consultations import ConsultationResponse, ConsultationStatus
from storage.engine import SessionFactory
from storage.networks import City, Network, city_networks
from storage.people import Person, PersonRole

COUNTRIES = ("ES", "PT", "FR", "BR", "AR", "MX", "KR", "SN", "IT", "CA", "CO", "CL")
NETWORKS = ("spain", "portugal", "brazil", "francophone", "latin-america", "asia-pacific")
WORDS = ("school", "park", "youth", "climate", "library", "bus", "garden", "museum", "sport")
TEXTS = ("why", "idea", "obstacle", "partner")


def definition_yaml() -> str:
    now = utcnow()
    texts = "".join(
        f"  - id: {q}\n    type: text\n    required: false\n    text: {{en: 'Your {q}?'}}\n"
        for q in TEXTS
    )
    return f"""slug: bench-declaration
title: {{en: "Declaration (benchmark)", fr: "Déclaration", es: "Declaración"}}
audience: city_representatives
one_response_per: city
opens_at: {(now - timedelta(days=5)).isoformat()}
closes_at: {(now + timedelta(days=10)).isoformat()}
questions:
  - id: priority
    type: single_choice
    text: {{en: "Main priority?", es: "¿Prioridad?"}}
    options:
      - {{id: inclusion, text: {{en: Inclusion}}}}
      - {{id: climate, text: {{en: Climate}}}}
      - {{id: culture, text: {{en: Culture}}}}
  - id: actions
    type: multi_choice
    max_choices: 3
    text: {{en: "Which actions?"}}
    options: [{{id: a, text: {{en: Schools}}}}, {{id: b, text: {{en: Parks}}}},
              {{id: c, text: {{en: Transport}}}}, {{id: d, text: {{en: Libraries}}}}]
  - id: size
    type: single_choice
    text: {{en: "City size?"}}
    options: [{{id: s, text: {{en: Small}}}}, {{id: m, text: {{en: Medium}}}},
              {{id: l, text: {{en: Large}}}}]
  - id: satisfaction
    type: scale
    min: 1
    max: 5
    text: {{en: "How satisfied?"}}
  - id: budget
    type: number
    min: 0
    max: 10000
    text: {{en: "Budget (k€)?"}}
{texts}"""


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30)))


async def seed_consultation(
    sessions: SessionFactory, rng: random.Random, cities: int = 600, responses: int = 500
) -> int:
    """Seed the cities, their representatives, the consultation (open) and its responses;
    returns the consultation's id."""
    async with sessions() as session:
        networks = dict((await session.execute(select(Network.slug, Network.id))).all())
        missing = [s for s in NETWORKS if s not in networks]
        for slug in missing:
            session.add(Network(slug=slug, names={"en": slug}))
        await session.flush()
        networks = dict((await session.execute(select(Network.slug, Network.id))).all())
        rows = [
            {"name": f"Member city {i}", "country": COUNTRIES[i % len(COUNTRIES)], "languages": []}
            for i in range(cities)
        ]
        await session.execute(insert(City), rows)
        city_ids = list(
            await session.scalars(select(City.id).where(City.name.like("Member city %")))
        )
        links = [
            {"city_id": c, "network_id": networks[NETWORKS[i % len(NETWORKS)]]}
            for i, c in enumerate(city_ids)
        ]
        await session.execute(insert(city_networks), links)
        people = [
            {"telegram_id": 7_000_000 + i, "display_name": f"Rep {i}", "language": "es"}
            for i in range(len(city_ids))
        ]
        await session.execute(insert(Person), people)
        person_ids = list(
            await session.scalars(
                select(Person.id).where(Person.telegram_id >= 7_000_000).order_by(Person.id)
            )
        )
        roles = [
            {"person_id": p, "role": "city_representative", "city_id": c}
            for p, c in zip(person_ids, city_ids, strict=True)
        ]
        await session.execute(insert(PersonRole), roles)
        await session.commit()
        consultation = await lifecycle.create_consultation(
            session, definition_yaml(), actor="bench"
        )
        consultation.status = ConsultationStatus.open
        await session.commit()
        consultation_id = consultation.id
    now = utcnow()
    answers: list[dict[str, Any]] = []
    for i, city_id in enumerate(city_ids[:responses]):
        values: dict[str, Any] = {
            "priority": rng.choice(["inclusion", "climate", "culture"]),
            "actions": rng.sample(["a", "b", "c", "d"], rng.randint(1, 3)),
            "size": rng.choice(["s", "m", "l"]),
            "satisfaction": rng.randint(1, 5),
            "budget": rng.randint(0, 10000),
        }
        values |= {q: _sentence(rng) for q in TEXTS}
        at = now - timedelta(minutes=i)
        answers.append(
            {
                "consultation_id": consultation_id,
                "unit": "city",
                "city_id": city_id,
                "language": "es",
                "status": "submitted",
                "answers": values,
                "submitted_at": at,
                "updated_at": at,
                "started_at": at,
                "version": 1,
                "channel": "bot",
            }
        )
    async with sessions() as session:
        await session.execute(insert(ConsultationResponse), answers)
        await session.commit()
    return consultation_id
