"""Data the representative and poll pages are tested with: the seeded networks, cities in
them, a representative through an invite, requests waiting, and a signed-in moderator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from engagement.invites import create_invite, redeem_invite
from engagement.representatives import grant_representative, request_representation
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.networks import City, Network
from storage.people import Person
from storage.seed import load_seed
from storage.staff import StaffRole
from tests.web.console.helpers import KEY, console_client
from tests.web.console.pages_world import Staff, start_signed_in

BOT = "aive_test_bot"
CITIES = {
    "Lisboa": ("PT", "portugal", ["pt"]),
    "Barcelona": ("ES", "spain", ["ca", "es"]),
    "Lyon": ("FR", "francophone", ["fr"]),
    "Rosario": ("AR", "latin-america", ["es"]),
}


@dataclass
class PeopleWorld:
    cities: dict[str, int]
    people: dict[str, int]  # name → person id
    requests: dict[str, int]  # asker's name → pending request id


async def add_person(
    sessions: SessionFactory, name: str, language: str, telegram_id: int | None
) -> int:
    async with sessions() as session:
        person = Person(telegram_id=telegram_id, display_name=name, language=language)
        session.add(person)
        await session.commit()
        return person.id


async def people_world(
    sessions: SessionFactory, chats: dict[str, int] | None = None
) -> PeopleWorld:
    """Lisboa represented by Ana (through an invite); Rui (pt) asks for Lisboa and Jordi (ca)
    for Barcelona. `chats` gives people their Telegram ids (the fake's users)."""
    chats = chats or {}
    async with sessions() as session:
        await load_seed(session)
        networks = {n.slug: n for n in (await session.scalars(select(Network))).all()}
        cities = {}
        for name, (country, network, languages) in CITIES.items():
            city = City(name=name, country=country, languages=languages)
            city.networks = [networks[network]]
            session.add(city)
            cities[name] = city
        await session.commit()
        city_ids = {name: c.id for name, c in cities.items()}
    people = {}
    for name, language in (("Ana", "pt"), ("Rui", "pt"), ("Jordi", "ca")):
        chat = chats.get(name, 9000 + len(people))
        people[name] = await add_person(sessions, name, language, chat)
    async with sessions() as session:
        lisboa = await session.get_one(City, city_ids["Lisboa"])
        _invite, token = await create_invite(
            session, lisboa, KEY, created_by="cli", now=utcnow() - timedelta(days=3)
        )
        ana = await session.get_one(Person, people["Ana"])
        await redeem_invite(session, token, KEY, ana)
        grant_representative(session, ana, lisboa, "test")
        requests = {}
        for asker, city in (("Rui", "Lisboa"), ("Jordi", "Barcelona")):
            person = await session.get_one(Person, people[asker])
            found = await session.get_one(City, city_ids[city])
            requests[asker] = (await request_representation(session, person, found)).id
        await session.commit()
    return PeopleWorld(city_ids, people, requests)


async def bot_username() -> str:
    return BOT


async def signed_in(
    sessions: SessionFactory,
    outbox: Path,
    role: StaffRole = StaffRole.moderator,
    language: str = "en",
    **options: object,
) -> Staff:
    """A started client with `role` signed in (close it with `await staff.client.close()`)."""
    client = console_client(sessions, outbox, bot_username=bot_username, **options)
    return await start_signed_in(sessions, client, role, language)
