"""Claiming and recording chat outbox rows, safely shared by several workers.

A worker claims rows by switching them from `queued` to `sending` with its id, and commits that
before calling Telegram. On PostgreSQL the candidates are read `FOR UPDATE SKIP LOCKED`; on
SQLite (one writer at a time) the guarded `UPDATE … WHERE state = 'queued'` alone decides.
Outcomes are written only over rows the same worker still holds.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.broadcasts import Broadcast, BroadcastMessage, BroadcastStatus, MessageState
from storage.people import Person

LIVE = (BroadcastStatus.queued, BroadcastStatus.sending)


@dataclass(frozen=True)
class Candidate:
    id: int
    broadcast_id: int
    chat_id: int
    person_id: int | None
    language: str
    attempts: int  # claims so far, this one included once claimed


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed row; `state` queued puts it back (nothing was sent)."""

    id: int
    state: MessageState
    telegram_message_id: int | None = None
    error: str | None = None
    person_id: int | None = None
    chat_id: int | None = None
    telegram_poll_id: str | None = None  # a sent poll's id (answers name the poll by it)


async def claim(
    session: AsyncSession,
    worker: str,
    choose: Callable[[Sequence[Candidate]], Sequence[Candidate]],
    *,
    now: datetime,
    broadcast_id: int | None = None,
    skip_chats: Collection[int] = (),
    window: int = 200,
) -> list[Candidate]:
    """Claim the rows `choose` picks among up to `window` queued ones, oldest first; commits.

    Returns the rows this worker now holds (`sending`), possibly fewer than chosen when another
    worker took some first.
    """
    query = (
        select(
            BroadcastMessage.id,
            BroadcastMessage.broadcast_id,
            BroadcastMessage.chat_id,
            BroadcastMessage.person_id,
            BroadcastMessage.language,
            BroadcastMessage.attempts + 1,
        )
        .join(Broadcast, Broadcast.id == BroadcastMessage.broadcast_id)
        .where(BroadcastMessage.state == MessageState.queued, Broadcast.status.in_(LIVE))
        .order_by(BroadcastMessage.id)
        .limit(window)
    )
    if broadcast_id is not None:
        query = query.where(BroadcastMessage.broadcast_id == broadcast_id)
    if skip_chats:
        query = query.where(BroadcastMessage.chat_id.not_in(list(skip_chats)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=BroadcastMessage)
    candidates = [Candidate(*row) for row in (await session.execute(query)).all()]
    chosen = {c.id: c for c in choose(candidates)}
    if not chosen:
        await session.commit()
        return []
    taken = await session.scalars(
        update(BroadcastMessage)
        .where(BroadcastMessage.id.in_(chosen), BroadcastMessage.state == MessageState.queued)
        .values(
            state=MessageState.sending,
            claimed_by=worker,
            claimed_at=now,
            attempts=BroadcastMessage.attempts + 1,
        )
        .returning(BroadcastMessage.id)
        .execution_options(synchronize_session=False)
    )
    held = sorted(taken.all())
    broadcasts = {chosen[i].broadcast_id for i in held}
    if broadcasts:
        await session.execute(
            update(Broadcast)
            .where(Broadcast.id.in_(broadcasts), Broadcast.status == BroadcastStatus.queued)
            .values(status=BroadcastStatus.sending)
            .execution_options(synchronize_session=False)
        )
    await session.commit()
    return [chosen[i] for i in held]


async def has_queued(session: AsyncSession, broadcast_id: int | None = None) -> bool:
    """Whether any live broadcast (or this one) still has queued rows."""
    query = (
        select(BroadcastMessage.id)
        .join(Broadcast, Broadcast.id == BroadcastMessage.broadcast_id)
        .where(BroadcastMessage.state == MessageState.queued, Broadcast.status.in_(LIVE))
        .limit(1)
    )
    if broadcast_id is not None:
        query = query.where(BroadcastMessage.broadcast_id == broadcast_id)
    return (await session.scalar(query)) is not None


async def record(
    session: AsyncSession, worker: str, outcomes: Sequence[Outcome], *, now: datetime
) -> None:
    """Write the outcomes of rows `worker` holds; blocked people become inactive. Commits."""
    if not outcomes:
        return
    table = BroadcastMessage.metadata.tables[BroadcastMessage.__tablename__]
    await session.execute(
        update(table)
        .where(
            table.c.id == bindparam("row_id"),
            table.c.claimed_by == worker,
            # no IN (…) here: expanding parameters do not mix with executemany
            (table.c.state == MessageState.sending.value)
            | (table.c.state == MessageState.uncertain.value),
        )
        .values(
            state=bindparam("new_state"),
            telegram_message_id=bindparam("message_id"),
            telegram_poll_id=bindparam("poll_id"),
            last_error=bindparam("error"),
            sent_at=bindparam("sent_at"),
            claimed_by=bindparam("holder"),
        ),
        [
            {
                "row_id": o.id,
                "new_state": o.state.value,
                "message_id": o.telegram_message_id,
                "poll_id": o.telegram_poll_id,
                "error": o.error,
                "sent_at": now if o.state == MessageState.sent else None,
                "holder": None if o.state == MessageState.queued else worker,
            }
            for o in outcomes
        ],
    )
    blocked = [o for o in outcomes if o.state == MessageState.blocked]
    person_ids = [o.person_id for o in blocked if o.person_id is not None]
    chat_ids = [o.chat_id for o in blocked if o.chat_id is not None and o.chat_id > 0]
    if person_ids or chat_ids:
        await session.execute(
            update(Person)
            .where(Person.id.in_(person_ids) | Person.telegram_id.in_(chat_ids))
            .values(active=False)
            .execution_options(synchronize_session=False)
        )
    await session.commit()


async def expire_claims(session: AsyncSession, *, now: datetime, lease: timedelta) -> int:
    """Rows left `sending` longer than `lease` (their worker died mid-call) become `uncertain`:
    Telegram may or may not have delivered them, and resending could duplicate. Commits."""
    result = await session.execute(
        update(BroadcastMessage)
        .where(
            BroadcastMessage.state == MessageState.sending,
            BroadcastMessage.claimed_at < now - lease,
        )
        .values(state=MessageState.uncertain, last_error="worker stopped during the send")
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def finish_broadcasts(session: AsyncSession, *, now: datetime) -> int:
    """Mark `done` the sending broadcasts with nothing queued or in flight. Commits."""
    pending = exists().where(
        and_(
            BroadcastMessage.broadcast_id == Broadcast.id,
            BroadcastMessage.state.in_([MessageState.queued, MessageState.sending]),
        )
    )
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.status.in_(LIVE), ~pending)
        .values(status=BroadcastStatus.done, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def has_message_to(session: AsyncSession, broadcast_id: int, chat_id: int) -> bool:
    """Whether the broadcast has a message row for this chat (in any state)."""
    row = await session.scalar(
        select(BroadcastMessage.id).where(
            BroadcastMessage.broadcast_id == broadcast_id,
            BroadcastMessage.chat_id == chat_id,
        )
    )
    return row is not None
