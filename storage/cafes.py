"""Virtual cafés: the café, each person's seat (registered, waiting or left), messages sent.

`seats_taken` counts the registered seats; the seat services change it with guarded UPDATEs
(`… WHERE seats_taken < capacity`) so that two people pressing Join for the last seat at once
cannot both get it. `cafe_notices` holds one row per (café, person, kind) ever queued: a
reminder is derived from the café's start time and this table, so a restart or a rescheduling
never sends one twice.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonValue, utcnow


class SeatState(enum.StrEnum):
    registered = "registered"
    waiting = "waiting"
    left = "left"


class NoticeKind(enum.StrEnum):
    invite = "invite"  # the audience is invited, with a Join button
    day_before = "day_before"  # 24 h before
    hour_before = "hour_before"  # 1 h before, with the call link
    check_in = "check_in"  # at the start, with the Check-in button
    evaluation = "evaluation"  # after the end, the evaluation consultation
    moved = "moved"  # rescheduled: the new time and .ics, once per start time (`for_start`)


class Cafe(Base):
    __tablename__ = "cafes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    titles: Mapped[dict[str, str]] = mapped_column(JsonValue, default=dict)
    descriptions: Mapped[dict[str, str]] = mapped_column(JsonValue, default=dict)
    language: Mapped[str] = mapped_column(String(8))  # of the conversation
    starts_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))  # the one the start was given in
    duration_minutes: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    call_url: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(32))
    networks: Mapped[list[str]] = mapped_column(JsonValue, default=list)
    speakers: Mapped[list[dict[str, Any]]] = mapped_column(JsonValue, default=list)
    evaluation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultations.id", ondelete="SET NULL")
    )
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE: reschedules
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class CafeSeat(Base):
    """A person's place: registered, on the waiting list (ordered by `joined_at`, id) or left."""

    __tablename__ = "cafe_seats"
    __table_args__ = (
        UniqueConstraint("cafe_id", "person_id"),
        Index("ix_cafe_seats_cafe_state", "cafe_id", "state", "joined_at"),
        # the networks page: check-ins per person (then city) over a period
        Index("ix_cafe_seats_person_checked_in", "person_id", "checked_in_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    state: Mapped[SeatState] = mapped_column(Enum(SeatState, native_enum=False, length=16))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]


class CafeNotice(Base):
    """A message about a café queued for a person; at most one of each kind, ever."""

    __tablename__ = "cafe_notices"
    __table_args__ = (UniqueConstraint("cafe_id", "person_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[NoticeKind] = mapped_column(Enum(NoticeKind, native_enum=False, length=16))
    for_start: Mapped[datetime]  # the café's start time when it was queued
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
