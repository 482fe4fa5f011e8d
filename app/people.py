"""Person and role queries shared by the CLI, the bot and the runtime."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import record
from storage.people import Person, PersonRole, Role


async def person_by_telegram_id(session: AsyncSession, telegram_id: int) -> Person | None:
    return await session.scalar(select(Person).where(Person.telegram_id == telegram_id))


async def grant_staff(session: AsyncSession, telegram_id: int, actor: str) -> bool:
    """Give the staff role; False when the person already had it. The caller commits."""
    person = await person_by_telegram_id(session, telegram_id)
    if person is None:
        person = Person(telegram_id=telegram_id, roles=[])
        session.add(person)
        await session.flush()
    if person.is_staff:
        return False
    person.roles.append(PersonRole(role=Role.staff))
    record(session, actor, "staff.granted", f"telegram:{telegram_id}")
    return True


async def grant_configured_staff(session: AsyncSession, telegram_ids: Iterable[int]) -> list[int]:
    """Staff from AIVE_STAFF_TELEGRAM_IDS; returns the ids newly granted. The caller commits."""
    return [tid for tid in telegram_ids if await grant_staff(session, tid, actor="settings")]
