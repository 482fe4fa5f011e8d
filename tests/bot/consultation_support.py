# ruff: noqa: E501  (the YAML lines hold four languages)
"""Shared by the consultation bot tests: a consultation open now, cities and representatives."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select

from bot.broadcast.limiter import RateLimiter
from bot.broadcast.sender import BroadcastSender
from engagement.consultations import lifecycle
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.networks import City, Network
from storage.people import Person, PersonRole, Role
from tests.bot.broadcast_support import JumpingClock
from tests.bot.conftest import Harness
from tests.fakes.telegram_objects import FakeUser

DECLARATION = """
slug: declaration
title: {en: "Declaration 2026", ca: "Declaració 2026", pt: "Declaração 2026", fr: "Déclaration 2026"}
audience: city_representatives
one_response_per: city
opens_at: OPENS
closes_at: CLOSES
questions:
  - id: priority
    type: single_choice
    text: {en: "Main priority?", ca: "Prioritat principal?", pt: "Prioridade principal?", fr: "Priorité principale ?"}
    options:
      - {id: inclusion, text: {en: Inclusion, ca: Inclusió, pt: Inclusão, fr: Inclusion}}
      - {id: climate, text: {en: Climate, ca: Clima, pt: Clima, fr: Climat}}
  - id: actions
    type: multi_choice
    max_choices: 2
    text: {en: "Which actions?", ca: "Quines accions?", pt: "Que ações?", fr: "Quelles actions ?"}
    options:
      - {id: schools, text: {en: Schools, ca: Escoles, pt: Escolas, fr: Écoles}}
      - {id: parks, text: {en: Parks, ca: Parcs, pt: Parques, fr: Parcs}}
      - {id: transport, text: {en: Transport, ca: Transport, pt: Transportes, fr: Transports}}
  - id: satisfaction
    type: scale
    min: 1
    max: 5
    text: {en: "How satisfied?", ca: "Quina satisfacció?", pt: "Que satisfação?", fr: "Quelle satisfaction ?"}
  - id: why
    type: text
    required: false
    max_length: 40
    show_if: {question: priority, in: [inclusion]}
    text: {en: "Why inclusion?", ca: "Per què la inclusió?", pt: "Porquê a inclusão?", fr: "Pourquoi l'inclusion ?"}
  - id: budget
    type: number
    min: 0
    max: 1000
    text: {en: "Budget (k€)?", ca: "Pressupost (k€)?", pt: "Orçamento (k€)?", fr: "Budget (k€) ?"}
"""


def declaration_yaml(days_open: int = 10) -> str:
    now = utcnow()
    return DECLARATION.replace("OPENS", (now - timedelta(days=1)).isoformat()).replace(
        "CLOSES", (now + timedelta(days=days_open)).isoformat()
    )


async def create_declaration(sessions: SessionFactory, days_open: int = 10) -> int:
    async with sessions() as session:
        consultation = await lifecycle.create_consultation(
            session, declaration_yaml(days_open), actor="test"
        )
        return consultation.id


async def add_city(
    sessions: SessionFactory, name: str, country: str, network: str | None = None
) -> int:
    async with sessions() as session:
        city = City(name=name, country=country, languages=[])
        if network:
            found = await session.scalar(select(Network).where(Network.slug == network))
            city.networks = [found or Network(slug=network, names={"en": network})]
        session.add(city)
        await session.commit()
        return city.id


async def add_representative(
    sessions: SessionFactory, user: FakeUser, city_id: int, language: str
) -> int:
    async with sessions() as session:
        person = Person(
            telegram_id=user.id,
            display_name=user.first_name,
            language=language,
            roles=[PersonRole(role=Role.city_representative, city_id=city_id)],
        )
        session.add(person)
        await session.commit()
        return person.id


async def drain_outbox(harness: Harness) -> int:
    clock = JumpingClock()
    sender = BroadcastSender(
        harness.sessions, harness.bot, limiter=RateLimiter(now=clock.now), clock=clock
    )
    return await sender.drain()


def callback_answer(harness: Harness) -> str:
    """The text of the popup that answered the last button press."""
    query = list(harness.fake.world.callback_queries.values())[-1]
    assert query.answer is not None, "the button press was not answered"
    return str(query.answer.get("text", ""))


async def press_label(harness: Harness, user: FakeUser, label: str) -> None:
    """Press the button containing `label` on the last message the user got."""
    from tests.bot.conftest import button_data

    message = harness.fake.last_message(user.id)
    await harness.press(user, message, button_data(message, label))


def labels(harness: Harness, user: FakeUser) -> Sequence[str]:
    return [b["text"] for b in harness.fake.last_message(user.id).buttons]
