"""Queries about people that several features share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage.networks import City
from storage.people import Person, PersonRole, Role


async def timezone_facts(
    session: AsyncSession, person_ids: Sequence[int]
) -> dict[int, tuple[str | None, str | None]]:
    """Per person: the timezone they chose, and the country of a city they represent (or None)."""
    if not person_ids:
        return {}
    rows = await session.execute(
        select(Person.id, Person.timezone, City.country)
        .outerjoin(
            PersonRole, (PersonRole.person_id == Person.id) & PersonRole.city_id.is_not(None)
        )
        .outerjoin(City, City.id == PersonRole.city_id)
        .where(Person.id.in_(list(set(person_ids))))
        .order_by(Person.id, PersonRole.id)
    )
    facts: dict[int, tuple[str | None, str | None]] = {}
    for pid, own, country in rows.all():
        facts.setdefault(pid, (own, country))
    return facts


async def staff_with_chats(session: AsyncSession) -> list[Person]:
    """People with the staff role and a Telegram chat."""
    rows = await session.scalars(
        select(Person)
        .join(PersonRole)
        .where(PersonRole.role == Role.staff, Person.telegram_id.is_not(None))
        .distinct()
    )
    return list(rows.all())


async def reachable(
    session: AsyncSession, person_ids: Sequence[int]
) -> list[tuple[int, int, str | None]]:
    """(id, chat id, language) of those people who are active and have a Telegram chat."""
    rows = await session.execute(
        select(Person.id, Person.telegram_id, Person.language).where(
            Person.id.in_(person_ids), Person.active.is_(True), Person.telegram_id.is_not(None)
        )
    )
    return [(pid, chat, lang) for pid, chat, lang in rows.all() if chat is not None]


async def with_chats(session: AsyncSession, role: Role | None) -> list[tuple[int, int, str | None]]:
    """(id, chat id, language) of active people with a Telegram chat holding `role` (None:
    everyone), by id."""
    query = select(Person.id, Person.telegram_id, Person.language).where(
        Person.active.is_(True), Person.telegram_id.is_not(None)
    )
    if role is not None:
        query = query.where(
            Person.id.in_(select(PersonRole.person_id).where(PersonRole.role == role))
        )
    rows = (await session.execute(query.order_by(Person.id))).all()
    return [(pid, chat, lang) for pid, chat, lang in rows if chat is not None]


async def people_by_chat(
    session: AsyncSession, chat_ids: Sequence[int], *, chunk: int = 1000
) -> dict[int, tuple[int, str | None]]:
    """Chat id → (person id, language) for the chats that are known people."""
    known: dict[int, tuple[int, str | None]] = {}
    for start in range(0, len(chat_ids), chunk):
        rows = await session.execute(
            select(Person.telegram_id, Person.id, Person.language).where(
                Person.telegram_id.in_(chat_ids[start : start + chunk])
            )
        )
        known.update({chat: (pid, lang) for chat, pid, lang in rows.all() if chat is not None})
    return known


async def names_by_chat(session: AsyncSession, person_ids: Sequence[int]) -> dict[int, str]:
    """Chat id → display name of those people who have a chat."""
    if not person_ids:
        return {}
    rows = await session.execute(
        select(Person.telegram_id, Person.display_name).where(Person.id.in_(person_ids))
    )
    return {int(t): n for t, n in rows.all() if t is not None}


async def ensure_staff(session: AsyncSession, telegram_id: int, now: datetime) -> bool:
    """Make the Telegram user a person with the staff role; False when they already had it.

    Two upserts, so that processes starting together never collide on a fresh database."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(Person)
        .values(telegram_id=telegram_id, display_name="", active=True, created_at=now)
        .on_conflict_do_nothing(index_elements=["telegram_id"])
    )
    person_id = await session.scalar(select(Person.id).where(Person.telegram_id == telegram_id))
    granted = await session.scalar(
        insert(PersonRole)
        .values(person_id=person_id, role=Role.staff, city_id=None, granted_at=now)
        .on_conflict_do_nothing(
            index_elements=["person_id", "role"], index_where=PersonRole.city_id.is_(None)
        )
        .returning(PersonRole.id)
    )
    return granted is not None


async def person_by_telegram_id(session: AsyncSession, telegram_id: int) -> Person | None:
    """The person with this Telegram id, with their roles and their cities (not the cities'
    networks), in one query."""
    query = (
        select(Person)
        .options(joinedload(Person.roles).joinedload(PersonRole.city).raiseload(City.networks))
        .where(Person.telegram_id == telegram_id)
    )
    return (await session.scalars(query)).unique().one_or_none()


async def set_language_if_unset(session: AsyncSession, person_id: int, language: str) -> None:
    """Store `language` unless the person chose one meanwhile (or was forgotten); no commit."""
    await session.execute(
        update(Person)
        .where(Person.id == person_id, Person.language.is_(None))
        .values(language=language)
        .execution_options(synchronize_session=False)
    )


async def city_names(session: AsyncSession, city_ids: Sequence[int]) -> list[str]:
    """The names of these cities (those that exist)."""
    if not city_ids:
        return []
    return list(await session.scalars(select(City.name).where(City.id.in_(list(city_ids)))))


async def display_name(session: AsyncSession, person_id: int | None) -> str | None:
    """The name a person is shown by, or None (no such person)."""
    if person_id is None:
        return None
    return await session.scalar(select(Person.display_name).where(Person.id == person_id))


async def city_name(session: AsyncSession, city_id: int | None) -> str | None:
    """The name of a city, or None (no city, or no such city)."""
    if city_id is None:
        return None
    return await session.scalar(select(City.name).where(City.id == city_id))


async def person_by_id(session: AsyncSession, person_id: int | None) -> Person | None:
    """The person with this id, or None (no id, or no such person: forgotten, say)."""
    return await session.get(Person, person_id) if person_id is not None else None


async def city_by_id(session: AsyncSession, city_id: int) -> City | None:
    """The city with this id, or None."""
    return await session.get(City, city_id)
