"""Data the café pages are tested with: the seeded networks, a café with people registered,
waiting and gone (in Spanish, French and Catalan), and how to send what the chat outbox holds
to the fake Telegram."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from aiogram import Bot
from sqlalchemy import select

from bot.broadcast.limiter import RateLimiter
from bot.broadcast.sender import BroadcastSender
from engagement.cafes import service
from engagement.cafes.schema import load_cafe
from storage.cafes import CafeSeat
from storage.engine import SessionFactory
from storage.networks import City, Network
from storage.people import Person, PersonRole, Role
from storage.seed import load_seed
from tests.bot.broadcast_support import JumpingClock
from tests.bot.cafe_support import cafe_yaml

# (name, language, timezone, city, country, network, email)
PEOPLE = (
    ("Ana", "es", "America/Argentina/Buenos_Aires", "Rosario", "AR", "latin-america", None),
    ("Chloé", "fr", "Europe/Paris", "Lyon", "FR", "francophone", "chloe@lyon.example.fr"),
    ("Marta", "ca", None, "Barcelona", "ES", "spain", "marta@bcn.example.cat"),
)


@dataclass
class CafeWorld:
    cafe_id: int
    people: dict[str, int]  # name: person id
    starts_at: datetime


async def add_people(
    sessions: SessionFactory, telegram_ids: dict[str, int] | None = None
) -> dict[str, int]:
    found: dict[str, int] = {}
    async with sessions() as session:
        await load_seed(session)
        for n, (name, lang, tz, city, country, network, email) in enumerate(PEOPLE):
            place = City(name=city, country=country, languages=[lang])
            slug = await session.scalar(select(Network).where(Network.slug == network))
            place.networks = [slug] if slug else []
            person = Person(
                telegram_id=(telegram_ids or {}).get(name, 7_000_000 + n),
                display_name=name,
                language=lang,
                timezone=tz,
                email=email,
                roles=[PersonRole(role=Role.city_representative, city=place)],
            )
            session.add(person)
            await session.flush()
            found[name] = person.id
        await session.commit()
    return found


async def cafe_world(
    sessions: SessionFactory,
    starts_at: datetime,
    now: datetime,
    telegram_ids: dict[str, int] | None = None,
) -> CafeWorld:
    """The café (2 places) with Ana and Chloé registered and Marta waiting."""
    people = await add_people(sessions, telegram_ids)
    async with sessions() as session:
        definition = load_cafe(cafe_yaml(starts_at, capacity=2), Path("."), None)
        done = await service.schedule(session, definition, actor="test", now=now)
        for name in ("Ana", "Chloé", "Marta"):
            await service.join(session, done.cafe.id, people[name], now=now)
        return CafeWorld(done.cafe.id, people, starts_at)


async def check_in(sessions: SessionFactory, cafe_id: int, person_id: int, at: datetime) -> None:
    async with sessions() as session:
        seat = await session.scalar(
            select(CafeSeat).where(CafeSeat.cafe_id == cafe_id, CafeSeat.person_id == person_id)
        )
        assert seat is not None
        seat.checked_in_at = at
        await session.commit()


async def drain_outbox(sessions: SessionFactory, bot: Bot) -> int:
    """Send every queued chat message to the fake Telegram; how many were sent."""
    clock = JumpingClock()
    sender = BroadcastSender(sessions, bot, limiter=RateLimiter(now=clock.now), clock=clock)
    return await sender.drain()


def days(n: float) -> timedelta:
    return timedelta(days=n)
