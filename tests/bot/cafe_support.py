"""Shared by the café tests: a café YAML, people with languages and timezones, a movable clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from engagement.cafes import jobs, service
from engagement.cafes.schema import load_cafe
from storage.engine import SessionFactory
from storage.networks import City, Network
from storage.people import Person, PersonRole, Role
from tests.bot.conftest import Harness
from tests.fakes.telegram_objects import FakeUser

SECRETARIAT_TZ = "Europe/Madrid"

CAFE = """
slug: school-streets
title: {en: "School streets", es: "Caminos escolares", fr: "Rues scolaires", pt: "Ruas escolares"}
description: {en: "Three cities tell their story.", es: "Tres ciudades cuentan su experiencia."}
language: es
starts_at: START
timezone: Europe/Madrid
duration_minutes: 60
capacity: CAPACITY
call_url: https://meet.example.org/school-streets
audience: everyone
speakers:
  - {name: Ana Ruiz, gender: woman, country: ES}
  - {name: Joaquim Sousa, gender: Man, country: PT}
  - {name: Alex Moreau}
evaluation:
  questions:
    - id: useful
      type: scale
      min: 1
      max: 5
      text: {en: "How useful was it?", es: "¿Qué utilidad tuvo?", fr: "Était-ce utile ?"}
"""


class Clock:
    """The time the services and the bot see; tests move it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def cafe_yaml(starts_at: datetime, capacity: int = 2) -> str:
    return CAFE.replace("START", starts_at.isoformat()).replace("CAPACITY", str(capacity))


async def schedule_cafe(
    sessions: SessionFactory, starts_at: datetime, now: datetime, capacity: int = 2
) -> tuple[int, int]:
    """Schedule the café and invite everyone; (café id, invitations queued)."""
    async with sessions() as session:
        definition = load_cafe(cafe_yaml(starts_at, capacity), Path("."), [])
        done = await service.schedule(session, definition, actor="test", now=now)
        invited = await jobs.invite_audience(
            session,
            done.cafe,
            now=now,
            default_timezone=SECRETARIAT_TZ,
            default_language="en",
            created_by="test",
        )
        return done.cafe.id, invited


async def add_person(
    sessions: SessionFactory,
    user: FakeUser,
    language: str,
    timezone: str | None = None,
    city: tuple[str, str, str] | None = None,
) -> int:
    """A person in the bot; `city` = (name, country, network slug) makes them its representative."""
    async with sessions() as session:
        person = Person(
            telegram_id=user.id, display_name=user.first_name, language=language, timezone=timezone
        )
        if city is not None:
            name, country, network = city
            place = City(name=name, country=country, languages=[])
            found = await session.scalar(select(Network).where(Network.slug == network))
            place.networks = [found or Network(slug=network, names={"en": network})]
            person.roles = [PersonRole(role=Role.city_representative, city=place)]
        session.add(person)
        await session.commit()
        return person.id


async def run_jobs(harness: Harness, now: datetime) -> dict[str, int]:
    async with harness.sessions() as session:
        sent = await jobs.send_due_notices(
            session, now=now, default_timezone=SECRETARIAT_TZ, default_language="en"
        )
    return sent.counts


def ago(now: datetime, **delta: float) -> datetime:
    return now - timedelta(**delta)
