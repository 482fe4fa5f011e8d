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
from typing import Any

from sqlalchemy import Select, and_, bindparam, distinct, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
    query = _queued_query(session, broadcast_id, skip_chats, window)
    candidates = [Candidate(*row) for row in (await session.execute(query)).all()]
    chosen = {c.id: c for c in choose(candidates)}
    if not chosen:
        await session.commit()
        return []
    held = await _take(session, worker, list(chosen), now)
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


def _queued_query(
    session: AsyncSession,
    broadcast_id: int | None,
    skip_chats: Collection[int],
    window: int,
) -> Select[int, int, int, int | None, str, int]:
    """Up to `window` queued rows of live broadcasts, oldest first (locked on PostgreSQL)."""
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
    return query


async def _take(session: AsyncSession, worker: str, ids: list[int], now: datetime) -> list[int]:
    """Switches the rows still queued among `ids` to `sending` for `worker`; their ids."""
    taken = await session.scalars(
        update(BroadcastMessage)
        .where(BroadcastMessage.id.in_(ids), BroadcastMessage.state == MessageState.queued)
        .values(
            state=MessageState.sending,
            claimed_by=worker,
            claimed_at=now,
            attempts=BroadcastMessage.attempts + 1,
        )
        .returning(BroadcastMessage.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(taken.all())


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


async def broadcast_by_key(session: AsyncSession, key: str) -> Broadcast | None:
    return await session.scalar(select(Broadcast).where(Broadcast.key == key))


async def latest_broadcasts(session: AsyncSession, limit: int) -> list[Broadcast]:
    """The last `limit` broadcasts, newest first."""
    rows = await session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(limit))
    return list(rows.all())


async def has_queued_rows(session: AsyncSession, broadcast_id: int) -> bool:
    """Whether this broadcast has queued rows, whatever its status."""
    queued = await session.scalar(
        select(BroadcastMessage.id)
        .where(
            BroadcastMessage.broadcast_id == broadcast_id,
            BroadcastMessage.state == MessageState.queued,
        )
        .limit(1)
    )
    return queued is not None


async def add_messages(
    session: AsyncSession, rows: Sequence[dict[str, Any]], *, chunk: int = 1000
) -> None:
    """Insert message rows, skipping chats the broadcast already has (no commit)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = BroadcastMessage.metadata.tables[BroadcastMessage.__tablename__]
    for start in range(0, len(rows), chunk):
        statement = insert(table).on_conflict_do_nothing(index_elements=["broadcast_id", "chat_id"])
        await session.execute(statement, rows[start : start + chunk])


async def move_messages(
    session: AsyncSession,
    broadcast_id: int,
    from_state: MessageState,
    to_state: MessageState,
) -> int:
    """Move the broadcast's rows in `from_state` to `to_state` (releasing their claim when
    requeued); how many moved. No commit."""
    values: dict[str, Any] = {"state": to_state}
    if to_state == MessageState.queued:
        values["claimed_by"] = None
    result = await session.execute(
        update(BroadcastMessage)
        .where(
            BroadcastMessage.broadcast_id == broadcast_id,
            BroadcastMessage.state == from_state,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def message_counts(session: AsyncSession, ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Per broadcast (each of `ids`): state → how many of its rows are in it."""
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    rows = await session.execute(
        select(BroadcastMessage.broadcast_id, BroadcastMessage.state, func.count())
        .where(BroadcastMessage.broadcast_id.in_(ids))
        .group_by(BroadcastMessage.broadcast_id, BroadcastMessage.state)
    )
    for bid, state, n in rows.all():
        counts[bid][MessageState(state).value] = n
    return counts


async def sent_spans(session: AsyncSession, ids: Sequence[int]) -> dict[int, tuple[Any, Any]]:
    """Per broadcast with rows: when its first and last messages were sent (as the database
    returns them: SQLite gives naive strings)."""
    times = await session.execute(
        select(
            BroadcastMessage.broadcast_id,
            func.min(BroadcastMessage.sent_at),
            func.max(BroadcastMessage.sent_at),
        )
        .where(BroadcastMessage.broadcast_id.in_(ids))
        .group_by(BroadcastMessage.broadcast_id)
    )
    return {bid: (first, last) for bid, first, last in times.all()}


async def broadcast_ids_keyed(session: AsyncSession, key: str) -> list[int]:
    """Ids of the broadcast stored under `key` and of those under `key@…`, oldest first."""
    rows = await session.scalars(
        select(Broadcast.id)
        .where((Broadcast.key == key) | Broadcast.key.startswith(key + "@"))
        .order_by(Broadcast.id)
    )
    return list(rows.all())


async def state_totals(session: AsyncSession, ids: Sequence[int]) -> dict[str, int]:
    """State → how many rows of these broadcasts, all together, are in it."""
    rows = await session.execute(
        select(BroadcastMessage.state, func.count())
        .where(BroadcastMessage.broadcast_id.in_(ids))
        .group_by(BroadcastMessage.state)
    )
    return {MessageState(s).value: int(n) for s, n in rows.all()}


async def chats_reached(session: AsyncSession, ids: Sequence[int]) -> int:
    """How many distinct chats one of these broadcasts was sent to."""
    count = await session.scalar(
        select(func.count(distinct(BroadcastMessage.chat_id))).where(
            BroadcastMessage.broadcast_id.in_(ids),
            BroadcastMessage.state == MessageState.sent,
        )
    )
    return int(count or 0)
