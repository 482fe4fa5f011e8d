"""Audit trail: who did what, when, from where.

Every state change from any face is one row: `actor` (a person, `staff:<id>`, or a process:
`cli:<user>`, `scheduler`, `settings`), `action`, `subject` (the object, `edition:12`), `face`
(console, bot, cli, scheduler, worker, web), the IP for the web, and `before` → `after` where
the change of a value matters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonValue, NullableJson, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(100), index=True)
    subject: Mapped[str | None] = mapped_column(String(200), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JsonValue, default=dict)
    face: Mapped[str | None] = mapped_column(String(16), index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[Any] = mapped_column(NullableJson, nullable=True)
    after: Mapped[Any] = mapped_column(NullableJson, nullable=True)


def face_of(actor: str) -> str | None:
    """The face an actor string names by its prefix (`cli:ana` → cli), when it does."""
    return FACES.get(actor.partition(":")[0])


# actor prefix → face: the bot records people as `person:<id>`, the console as `staff:<id>`
FACES = {
    "person": "bot",
    "telegram": "bot",
    "bot": "bot",
    "staff": "console",
    "console": "console",
    "cli": "cli",
    "demo": "cli",
    "scheduler": "scheduler",
    "worker": "worker",
    "web": "web",
    "settings": "settings",
}


def record(
    session: AsyncSession,
    actor: str,
    action: str,
    subject: str | None = None,
    *,
    face: str | None = None,
    ip: str | None = None,
    before: Any = None,
    after: Any = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session (committed with the caller's change). Without `face`,
    the actor's prefix tells it when it can (`cli:…`, `scheduler`, `bot:…`)."""
    event = AuditEvent(
        actor=actor,
        action=action,
        subject=subject,
        details=details,
        face=face or face_of(actor),
        ip=ip,
        before=before,
        after=after,
    )
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
        face = face_of(actor)
        rows = [
            {"actor": actor, "action": action, "subject": s, "details": d, "face": face}
            for s, d in entries
        ]
        await session.execute(insert(AuditEvent), rows)
