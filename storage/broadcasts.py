"""The chat outbox: broadcasts and one message row per (broadcast, chat).

A row's `state` says what we know about its message:
queued → sending (claimed, committed before Telegram is called) → sent | failed | blocked;
queued → cancelled when staff cancel; sending → uncertain when a worker died mid-call and we
cannot know whether Telegram got it (never resent automatically; see bot/broadcast/__init__.py).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonValue, utcnow


class BroadcastKind(enum.StrEnum):
    text = "text"
    photo = "photo"
    document = "document"
    poll = "poll"


class BroadcastStatus(enum.StrEnum):
    queued = "queued"
    sending = "sending"
    paused = "paused"
    cancelled = "cancelled"
    done = "done"


class MessageState(enum.StrEnum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    blocked = "blocked"
    cancelled = "cancelled"
    uncertain = "uncertain"


class Broadcast(Base):
    """One message (text, photo, document or poll) to many chats, in each reader's language.

    `payload` by kind: text `{"text": {lang: str}}`; photo/document `{"caption": {lang: str},
    "file": {"path" | "url" | "file_id": str}}`; poll `{"question": {lang: str}, "options":
    [{lang: str}, ...], "is_anonymous": bool, "allows_multiple_answers": bool}`. Text, photo
    and document payloads may add `"buttons": [[{"text": {lang: str}, "callback_data": str} |
    {"text": {lang: str}, "url": str}, ...], ...]` (rows of inline buttons).
    `key`, when given, makes enqueueing idempotent for the feature that sends (e.g.
    "consultation:12:invite").
    """

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    kind: Mapped[BroadcastKind] = mapped_column(Enum(BroadcastKind, native_enum=False, length=16))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    audience: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[BroadcastStatus] = mapped_column(
        Enum(BroadcastStatus, native_enum=False, length=16), default=BroadcastStatus.queued
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class BroadcastMessage(Base):
    """At most one message per (broadcast, chat): the unique constraint is the guarantee."""

    __tablename__ = "broadcast_messages"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "chat_id"),
        Index("ix_broadcast_messages_state_broadcast", "state", "broadcast_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(8), default="en")
    state: Mapped[MessageState] = mapped_column(
        Enum(MessageState, native_enum=False, length=16), default=MessageState.queued
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # the `poll.id` Telegram gave a sent poll: poll_answer and poll updates name only that
    telegram_poll_id: Mapped[str | None] = mapped_column(String(64), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
