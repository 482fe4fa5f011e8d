"""Person and role queries shared by the CLI, the bot and the runtime."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from storage import people_queries
from storage.audit import record
from storage.base import utcnow
from storage.people import Person


async def person_by_telegram_id(session: AsyncSession, telegram_id: int) -> Person | None:
    return await people_queries.person_by_telegram_id(session, telegram_id)


async def grant_staff(session: AsyncSession, telegram_id: int, actor: str) -> bool:
    """Give the staff role; False when the person already had it. The caller commits.

    Two upserts, so that processes starting together (scheduler, worker and bot, each granting
    AIVE_STAFF_TELEGRAM_IDS) never collide on a fresh database."""
    if not await people_queries.ensure_staff(session, telegram_id, utcnow()):
        return False
    record(session, actor, "staff.granted", f"telegram:{telegram_id}")
    return True


async def grant_configured_staff(session: AsyncSession, telegram_ids: Iterable[int]) -> list[int]:
    """Staff from AIVE_STAFF_TELEGRAM_IDS; returns the ids newly granted. The caller commits."""
    return [tid for tid in telegram_ids if await grant_staff(session, tid, actor="settings")]
