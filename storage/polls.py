"""Polls sent as native Telegram polls: the poll, each person's answer, each sent poll's state.

A poll goes out through the chat outbox (one `broadcast_messages` row per chat; the sender keeps
the Telegram poll id of each one in `broadcast_messages.telegram_poll_id`). Answers to
non-anonymous polls are stored per person (`poll_votes`); what Telegram reports of each sent
poll (option counts of anonymous polls, and when we stopped it) is kept in `poll_messages`.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonValue, utcnow


class PollStatus(enum.StrEnum):
    open = "open"  # sent (or being sent); answers are taken
    closed = "closed"  # its closing time passed and every sent poll is stopped


class Poll(Base):
    """`question` is {lang: text}; `options` is [{"id": str, "text": {lang: text}}, ...] with
    a text in every language of `languages`; option i of every language's Telegram poll is
    `options[i]`, which is how answers given in any language merge."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    question: Mapped[dict[str, str]] = mapped_column(JsonValue)
    options: Mapped[list[dict[str, Any]]] = mapped_column(JsonValue)
    languages: Mapped[list[str]] = mapped_column(JsonValue)
    audience: Mapped[str] = mapped_column(String(32))
    networks: Mapped[list[str]] = mapped_column(JsonValue, default=list)
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    allows_multiple_answers: Mapped[bool] = mapped_column(default=False)
    closes_at: Mapped[datetime]
    status: Mapped[PollStatus] = mapped_column(
        Enum(PollStatus, native_enum=False, length=16), default=PollStatus.open
    )
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="SET NULL")
    )
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    @property
    def option_ids(self) -> list[str]:
        return [str(o["id"]) for o in self.options]


class PollVote(Base):
    """One person's current answer to a non-anonymous poll (Telegram allows changing it; an
    empty answer withdraws the vote). The city is the one the person represented when voting;
    a forgotten person's vote stays, without the person."""

    __tablename__ = "poll_votes"
    __table_args__ = (
        UniqueConstraint("poll_id", "person_id"),
        # the networks page: votes per city over a period, and the last one
        Index("ix_poll_votes_city_answered", "city_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(8))
    option_ids: Mapped[list[str]] = mapped_column(JsonValue)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class PollMessage(Base):
    """What we know of one sent Telegram poll: the option counts Telegram last reported (the
    only source of counts for anonymous polls) and when the closing job stopped it.
    `stopped_at` is set once nothing more is to be done for it, also when Telegram refused the
    stop (the chat blocked the bot, the message is gone): `stop_error` then says why."""

    __tablename__ = "poll_messages"

    broadcast_message_id: Mapped[int] = mapped_column(
        ForeignKey("broadcast_messages.id", ondelete="CASCADE"), primary_key=True
    )
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    voter_counts: Mapped[list[int] | None] = mapped_column(JsonValue)
    total_voters: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    stopped_at: Mapped[datetime | None]
    stop_error: Mapped[str | None] = mapped_column(Text)


__all__ = ["Poll", "PollMessage", "PollStatus", "PollVote"]
