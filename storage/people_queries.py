"""Queries about people that several features share."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage.networks import City
from storage.people import Person, PersonRole


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


async def person_by_telegram_id(session: AsyncSession, telegram_id: int) -> Person | None:
    """The person with this Telegram id, with their roles, in one query."""
    query = (
        select(Person).options(joinedload(Person.roles)).where(Person.telegram_id == telegram_id)
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
