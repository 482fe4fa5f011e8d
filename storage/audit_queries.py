"""Reading the audit log: filtered by person (actor), object (subject), face and time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    """Empty fields filter nothing. `actor` is exact (`staff:3`, `cli:ana`); `subject` matches
    an object and what lies under it (`edition:12` finds `edition:12` only, `edition:` every
    edition); `since` inclusive, `until` exclusive."""

    actor: str | None = None
    subject: str | None = None
    face: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(query: Select[Any], where: AuditFilter) -> Select[Any]:
    if where.actor:
        query = query.where(AuditEvent.actor == where.actor)
    if where.subject:
        if where.subject.endswith(":"):
            query = query.where(AuditEvent.subject.like(_escaped(where.subject) + "%", escape="\\"))
        else:
            query = query.where(AuditEvent.subject == where.subject)
    if where.face:
        query = query.where(AuditEvent.face == where.face)
    if where.since:
        query = query.where(AuditEvent.at >= where.since)
    if where.until:
        query = query.where(AuditEvent.at < where.until)
    return query


async def audit_page(
    session: AsyncSession, where: AuditFilter, limit: int = 100, before_id: int | None = None
) -> Sequence[AuditEvent]:
    """The newest events matching `where`, `limit` at most, older than `before_id` if given."""
    query = _filtered(select(AuditEvent), where)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return (await session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit))).all()


async def audit_export(
    session: AsyncSession, where: AuditFilter, limit: int = 100_000
) -> Sequence[AuditEvent]:
    """Every matching event, oldest first (an export: at most `limit` rows)."""
    query = _filtered(select(AuditEvent), where).order_by(AuditEvent.id).limit(limit)
    return (await session.scalars(query)).all()


async def audit_actors(session: AsyncSession, limit: int = 200) -> Sequence[str]:
    """The distinct actors in the log, for the filter's choices."""
    rows = await session.scalars(
        select(AuditEvent.actor).distinct().order_by(AuditEvent.actor).limit(limit)
    )
    return rows.all()
