"""Putting broadcasts in the chat outbox, and what staff do with them: status, pause, cancel."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from outbox.content import validate_payload
from outbox.errors import BroadcastFinished
from storage import audit, people_queries
from storage import broadcasts_queries as q
from storage.base import utcnow
from storage.broadcasts import (
    Broadcast,
    BroadcastKind,
    BroadcastStatus,
    MessageState,
)
from storage.errors import NotFound
from storage.people import Role

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
    rows = await people_queries.with_chats(session, _ROLE_OF.get(audience))
    return [Recipient(chat, pid, lang or default_language) for pid, chat, lang in rows]


async def recipients_for_chats(
    session: AsyncSession, chat_ids: Iterable[int], *, default_language: str = "en"
) -> list[Recipient]:
    """Explicit chats; a chat that is a known person gets their id and language."""
    wanted = list(dict.fromkeys(chat_ids))
    known = await people_queries.people_by_chat(session, wanted, chunk=_INSERT_CHUNK)
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
        broadcast = await q.broadcast_by_key(session, key)
    if broadcast is None:
        broadcast = Broadcast(
            key=key, kind=kind, payload=dict(payload), audience=audience, created_by=created_by
        )
        session.add(broadcast)
        await session.flush()
    await add_recipients(session, broadcast.id, recipients)
    if broadcast.status == BroadcastStatus.done and await q.has_queued_rows(session, broadcast.id):
        broadcast.status, broadcast.finished_at = BroadcastStatus.sending, None
    await session.commit()
    return broadcast


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
    await q.add_messages(session, rows, chunk=_INSERT_CHUNK)


async def _broadcast(session: AsyncSession, broadcast_id: int) -> Broadcast:
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise NotFound(f"no broadcast {broadcast_id}")
    return broadcast


def _record(
    session: AsyncSession, actor: str | None, action: str, broadcast_id: int, **details: Any
) -> None:
    if actor is not None:
        audit.record(session, actor, f"broadcast.{action}", f"broadcast:{broadcast_id}", **details)


def _refuse_when_over(broadcast: Broadcast) -> None:
    if broadcast.status in (BroadcastStatus.cancelled, BroadcastStatus.done):
        raise BroadcastFinished(f"broadcast {broadcast.id} is {broadcast.status.value} already")


async def cancel_broadcast(
    session: AsyncSession, broadcast_id: int, *, actor: str | None = None
) -> int:
    """Cancel: queued rows are never sent (those in flight finish); returns how many. Commits.
    BroadcastFinished when it is sent or cancelled already (nothing is left to cancel)."""
    broadcast = await _broadcast(session, broadcast_id)
    _refuse_when_over(broadcast)
    broadcast.status = BroadcastStatus.cancelled
    broadcast.finished_at = broadcast.finished_at or utcnow()
    cancelled = await q.move_messages(
        session, broadcast_id, MessageState.queued, MessageState.cancelled
    )
    _record(session, actor, "cancel", broadcast_id, never_sent=cancelled)
    await session.commit()
    return cancelled


async def pause_broadcast(
    session: AsyncSession, broadcast_id: int, *, paused: bool, actor: str | None = None
) -> Broadcast:
    """Pause (workers skip it) or resume a broadcast that is not finished; commits.
    BroadcastFinished when it is sent or cancelled."""
    broadcast = await _broadcast(session, broadcast_id)
    _refuse_when_over(broadcast)
    broadcast.status = BroadcastStatus.paused if paused else BroadcastStatus.sending
    _record(session, actor, "pause" if paused else "resume", broadcast_id)
    await session.commit()
    return broadcast


async def requeue_uncertain(
    session: AsyncSession, broadcast_id: int, *, actor: str | None = None
) -> int:
    """Staff decide to resend the rows whose delivery is unknown (a chat may get it twice);
    returns how many. BroadcastFinished when staff cancelled the broadcast."""
    broadcast = await _broadcast(session, broadcast_id)
    if broadcast.status == BroadcastStatus.cancelled:
        raise BroadcastFinished(f"broadcast {broadcast_id} is cancelled")
    requeued = await q.move_messages(
        session, broadcast_id, MessageState.uncertain, MessageState.queued
    )
    if requeued and broadcast.status == BroadcastStatus.done:
        broadcast.status, broadcast.finished_at = BroadcastStatus.sending, None
    _record(session, actor, "requeue_uncertain", broadcast_id, requeued=requeued)
    await session.commit()
    return requeued


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
        broadcasts = await q.latest_broadcasts(session, latest)
    ids = [b.id for b in broadcasts]
    counts = await q.message_counts(session, ids)
    spans = await q.sent_spans(session, ids)
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
