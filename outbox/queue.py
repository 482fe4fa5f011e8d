"""Putting broadcasts in the chat outbox, and what staff do with them: status, pause, cancel."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from outbox.content import validate_payload
from storage.base import utcnow
from storage.broadcasts import (
    Broadcast,
    BroadcastKind,
    BroadcastMessage,
    BroadcastStatus,
    MessageState,
)
from storage.errors import NotFound
from storage.people import Person, PersonRole, Role

AUDIENCES = ("everyone", "staff", "city_representatives", "youth")
_ROLE_OF = {
    "staff": Role.staff,
    "city_representatives": Role.city_representative,
    "youth": Role.youth,
}
_INSERT_CHUNK = 1000


@dataclass(frozen=True)
class Recipient:
    chat_id: int
    person_id: int | None = None
    language: str = "en"


async def audience_recipients(
    session: AsyncSession, audience: str, *, default_language: str = "en"
) -> list[Recipient]:
    """Active people with a Telegram chat in `audience` (one of AUDIENCES); ValueError else."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; expected one of {', '.join(AUDIENCES)}")
    query = select(Person.id, Person.telegram_id, Person.language).where(
        Person.active.is_(True), Person.telegram_id.is_not(None)
    )
    if audience in _ROLE_OF:
        query = query.where(
            Person.id.in_(select(PersonRole.person_id).where(PersonRole.role == _ROLE_OF[audience]))
        )
    rows = (await session.execute(query.order_by(Person.id))).all()
    return [
        Recipient(chat, pid, lang or default_language)
        for pid, chat, lang in rows
        if chat is not None
    ]


async def recipients_for_chats(
    session: AsyncSession, chat_ids: Iterable[int], *, default_language: str = "en"
) -> list[Recipient]:
    """Explicit chats; a chat that is a known person gets their id and language."""
    wanted = list(dict.fromkeys(chat_ids))
    known: dict[int, tuple[int, str | None]] = {}
    for start in range(0, len(wanted), _INSERT_CHUNK):
        rows = await session.execute(
            select(Person.telegram_id, Person.id, Person.language).where(
                Person.telegram_id.in_(wanted[start : start + _INSERT_CHUNK])
            )
        )
        known.update({chat: (pid, lang) for chat, pid, lang in rows.all() if chat is not None})
    return [
        Recipient(c, known[c][0], known[c][1] or default_language)
        if c in known
        else Recipient(c, None, default_language)
        for c in wanted
    ]


async def enqueue_broadcast(
    session: AsyncSession,
    kind: BroadcastKind,
    payload: Mapping[str, Any],
    recipients: Iterable[Recipient],
    *,
    audience: str = "",
    created_by: str = "",
    key: str | None = None,
) -> Broadcast:
    """Store a broadcast and one queued row per chat; commits.

    Idempotent: a chat is queued at most once per broadcast, and with `key` a second call
    returns the broadcast already stored under that key, adding only chats it did not have
    (a finished broadcast goes back to sending for them; a cancelled one stays cancelled).
    Raises ContentError when the payload does not fit `kind`.
    """
    validate_payload(kind, payload)
    broadcast = None
    if key is not None:
        broadcast = await session.scalar(select(Broadcast).where(Broadcast.key == key))
    if broadcast is None:
        broadcast = Broadcast(
            key=key, kind=kind, payload=dict(payload), audience=audience, created_by=created_by
        )
        session.add(broadcast)
        await session.flush()
    await add_recipients(session, broadcast.id, recipients)
    if broadcast.status == BroadcastStatus.done and await _has_queued(session, broadcast.id):
        broadcast.status, broadcast.finished_at = BroadcastStatus.sending, None
    await session.commit()
    return broadcast


async def _has_queued(session: AsyncSession, broadcast_id: int) -> bool:
    queued = await session.scalar(
        select(BroadcastMessage.id)
        .where(
            BroadcastMessage.broadcast_id == broadcast_id,
            BroadcastMessage.state == MessageState.queued,
        )
        .limit(1)
    )
    return queued is not None


async def add_recipients(
    session: AsyncSession, broadcast_id: int, recipients: Iterable[Recipient]
) -> None:
    """Queue rows for chats the broadcast does not have yet (the caller commits)."""
    rows = [
        {
            "broadcast_id": broadcast_id,
            "chat_id": r.chat_id,
            "person_id": r.person_id,
            "language": r.language,
            "state": MessageState.queued.value,
            "attempts": 0,
        }
        for r in {r.chat_id: r for r in recipients}.values()
    ]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = BroadcastMessage.metadata.tables[BroadcastMessage.__tablename__]
    for start in range(0, len(rows), _INSERT_CHUNK):
        statement = insert(table).on_conflict_do_nothing(index_elements=["broadcast_id", "chat_id"])
        await session.execute(statement, rows[start : start + _INSERT_CHUNK])


async def _broadcast(session: AsyncSession, broadcast_id: int) -> Broadcast:
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise NotFound(f"no broadcast {broadcast_id}")
    return broadcast


async def cancel_broadcast(session: AsyncSession, broadcast_id: int) -> int:
    """Cancel: queued rows are never sent (those in flight finish); returns how many. Commits."""
    broadcast = await _broadcast(session, broadcast_id)
    if broadcast.status != BroadcastStatus.done:
        broadcast.status = BroadcastStatus.cancelled
        broadcast.finished_at = broadcast.finished_at or utcnow()
    result = await session.execute(
        update(BroadcastMessage)
        .where(
            BroadcastMessage.broadcast_id == broadcast_id,
            BroadcastMessage.state == MessageState.queued,
        )
        .values(state=MessageState.cancelled)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def pause_broadcast(session: AsyncSession, broadcast_id: int, *, paused: bool) -> Broadcast:
    """Pause (workers skip it) or resume a broadcast that is not finished; commits."""
    broadcast = await _broadcast(session, broadcast_id)
    if broadcast.status in (BroadcastStatus.cancelled, BroadcastStatus.done):
        raise ValueError(f"broadcast {broadcast_id} is {broadcast.status}")
    broadcast.status = BroadcastStatus.paused if paused else BroadcastStatus.sending
    await session.commit()
    return broadcast


async def requeue_uncertain(session: AsyncSession, broadcast_id: int) -> int:
    """Staff decide to resend the rows whose delivery is unknown (a chat may get it twice)."""
    broadcast = await _broadcast(session, broadcast_id)
    result = await session.execute(
        update(BroadcastMessage)
        .where(
            BroadcastMessage.broadcast_id == broadcast_id,
            BroadcastMessage.state == MessageState.uncertain,
        )
        .values(state=MessageState.queued, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount and broadcast.status == BroadcastStatus.done:  # type: ignore[attr-defined]
        broadcast.status, broadcast.finished_at = BroadcastStatus.sending, None
    await session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class BroadcastSummary:
    """Plain values for the CLI and the staff `/broadcast` command."""

    id: int
    kind: str
    status: str
    audience: str
    created_by: str
    created_at: datetime
    finished_at: datetime | None
    counts: dict[str, int] = field(default_factory=dict)
    first_sent_at: datetime | None = None
    last_sent_at: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def handled(self) -> int:
        """Rows with a final outcome (sent, failed, blocked, cancelled)."""
        open_states = (MessageState.queued, MessageState.sending, MessageState.uncertain)
        return self.total - sum(self.counts.get(s.value, 0) for s in open_states)

    @property
    def rate(self) -> float | None:
        """Messages sent per second between the first and the last one."""
        if not self.first_sent_at or not self.last_sent_at:
            return None
        seconds = (self.last_sent_at - self.first_sent_at).total_seconds()
        return round(self.counts.get("sent", 0) / seconds, 2) if seconds > 0 else None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "audience": self.audience,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "total": self.total,
            "counts": {s.value: self.counts.get(s.value, 0) for s in MessageState},
            "rate_per_second": self.rate,
        }


async def broadcast_status(
    session: AsyncSession, broadcast_id: int | None = None, *, latest: int = 10
) -> list[BroadcastSummary]:
    """That broadcast (NotFound when missing), or the `latest` ones, newest first."""
    if broadcast_id is not None:
        broadcasts: Sequence[Broadcast] = [await _broadcast(session, broadcast_id)]
    else:
        broadcasts = (
            await session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(latest))
        ).all()
    ids = [b.id for b in broadcasts]
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    rows = await session.execute(
        select(BroadcastMessage.broadcast_id, BroadcastMessage.state, func.count())
        .where(BroadcastMessage.broadcast_id.in_(ids))
        .group_by(BroadcastMessage.broadcast_id, BroadcastMessage.state)
    )
    for bid, state, n in rows.all():
        counts[bid][MessageState(state).value] = n
    times = await session.execute(
        select(
            BroadcastMessage.broadcast_id,
            func.min(BroadcastMessage.sent_at),
            func.max(BroadcastMessage.sent_at),
        )
        .where(BroadcastMessage.broadcast_id.in_(ids))
        .group_by(BroadcastMessage.broadcast_id)
    )
    spans = {bid: (first, last) for bid, first, last in times.all()}
    return [
        BroadcastSummary(
            b.id,
            b.kind.value,
            b.status.value,
            b.audience,
            b.created_by,
            b.created_at,
            b.finished_at,
            counts[b.id],
            *_aware(spans.get(b.id, (None, None))),
        )
        for b in broadcasts
    ]


def _aware(span: tuple[Any, Any]) -> tuple[datetime | None, datetime | None]:
    """min()/max() bypass the column type on SQLite: parse and mark UTC."""
    from datetime import UTC

    out = []
    for value in span:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        out.append(value)
    return out[0], out[1]
