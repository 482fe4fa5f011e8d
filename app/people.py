"""Person and role queries shared by the CLI, the bot and the runtime."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import record
from storage.base import utcnow
from storage.people import Person, PersonRole, Role


async def person_by_telegram_id(session: AsyncSession, telegram_id: int) -> Person | None:
    return await session.scalar(select(Person).where(Person.telegram_id == telegram_id))


async def grant_staff(session: AsyncSession, telegram_id: int, actor: str) -> bool:
    """Give the staff role; False when the person already had it. The caller commits.

    Two upserts, so that processes starting together (scheduler, worker and bot, each granting
    AIVE_STAFF_TELEGRAM_IDS) never collide on a fresh database."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(Person)
        .values(telegram_id=telegram_id, display_name="", active=True, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["telegram_id"])
    )
    person_id = await session.scalar(select(Person.id).where(Person.telegram_id == telegram_id))
    granted = await session.scalar(
        insert(PersonRole)
        .values(person_id=person_id, role=Role.staff, city_id=None, granted_at=utcnow())
        .on_conflict_do_nothing(
            index_elements=["person_id", "role"], index_where=PersonRole.city_id.is_(None)
        )
        .returning(PersonRole.id)
    )
    if granted is None:
        return False
    record(session, actor, "staff.granted", f"telegram:{telegram_id}")
    return True


async def grant_configured_staff(session: AsyncSession, telegram_ids: Iterable[int]) -> list[int]:
    """Staff from AIVE_STAFF_TELEGRAM_IDS; returns the ids newly granted. The caller commits."""
    return [tid for tid in telegram_ids if await grant_staff(session, tid, actor="settings")]
