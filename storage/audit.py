"""Audit trail: who did what, when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonValue, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    # one subject's history (a subscriber's page), newest first
    __table_args__ = (Index("ix_audit_events_subject_at", "subject", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100), index=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JsonValue, default=dict)


def record(
    session: AsyncSession,
    actor: str,
    action: str,
    subject: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session (committed with the caller's change)."""
    event = AuditEvent(actor=actor, action=action, subject=subject, details=details)
    session.add(event)
    return event


async def record_many(
    session: AsyncSession,
    actor: str,
    action: str,
    entries: Sequence[tuple[str | None, dict[str, Any]]],
) -> None:
    """Add one audit event per `(subject, details)` in `entries`, in one statement (for
    batches of thousands; committed with the caller's change)."""
    if entries:
        rows = [{"actor": actor, "action": action, "subject": s, "details": d} for s, d in entries]
        await session.execute(insert(AuditEvent), rows)
