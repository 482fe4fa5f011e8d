"""SQL for the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import AuditEvent


async def last_at(session: AsyncSession, action: str, subject: str) -> datetime | None:
    """When `action` on `subject` was last recorded (None: never)."""
    return await session.scalar(
        select(AuditEvent.at)
        .where(AuditEvent.action == action, AuditEvent.subject == subject)
        .order_by(AuditEvent.at.desc())
        .limit(1)
    )
