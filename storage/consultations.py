"""Consultations, their responses (one per city or per person) and invitations/reminders sent."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonValue, NullableJson, utcnow


class ConsultationStatus(enum.StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"


class ResponseStatus(enum.StrEnum):
    in_progress = "in_progress"
    submitted = "submitted"


class InvitationKind(enum.StrEnum):
    invite = "invite"
    reminder = "reminder"


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    titles: Mapped[dict[str, str]] = mapped_column(JsonValue, default=dict)
    audience: Mapped[str] = mapped_column(String(32))
    networks: Mapped[list[str]] = mapped_column(JsonValue, default=list)
    one_response_per: Mapped[str] = mapped_column(String(16))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    status: Mapped[ConsultationStatus] = mapped_column(
        Enum(ConsultationStatus, native_enum=False, length=16), default=ConsultationStatus.draft
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# One response per (consultation, city) or per (consultation, person), as the consultation says;
# `unit` copies its one_response_per so that partial unique indexes can enforce it on both
# SQLite and PostgreSQL. NULLs (a forgotten person, a deleted city) never collide.
class ConsultationResponse(Base):
    __tablename__ = "consultation_responses"
    __table_args__ = (
        Index(
            "uq_consultation_responses_city",
            "consultation_id",
            "city_id",
            unique=True,
            sqlite_where=text("unit = 'city'"),
            postgresql_where=text("unit = 'city'"),
        ),
        Index(
            "uq_consultation_responses_person",
            "consultation_id",
            "person_id",
            unique=True,
            sqlite_where=text("unit = 'person'"),
            postgresql_where=text("unit = 'person'"),
        ),
        # the networks page: answers per city over a period, and the last one
        Index("ix_consultation_responses_city_submitted", "city_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    unit: Mapped[str] = mapped_column(String(16))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[ResponseStatus] = mapped_column(
        Enum(ResponseStatus, native_enum=False, length=16), default=ResponseStatus.in_progress
    )
    current_question: Mapped[str | None] = mapped_column(String(64))
    # Submitted: `answers` are the last submitted version (what results and exports count);
    # `draft_answers` holds the changes being made since (None when nobody is changing them).
    answers: Mapped[dict[str, Any]] = mapped_column(JsonValue, default=dict)
    draft_answers: Mapped[dict[str, Any] | None] = mapped_column(NullableJson)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    # Optimistic locking: raised by one on every change of the answers (or of their status), so
    # a face that read version N and saves finds out when someone else saved in between.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # The face of the last change of the answers: "bot" or "web" (the export's `channel`).
    channel: Mapped[str] = mapped_column(String(8), default="bot", server_default=text("'bot'"))

    @property
    def editing(self) -> bool:
        """A submitted response whose answers someone is changing (not yet submitted again)."""
        return self.draft_answers is not None

    @property
    def working_answers(self) -> dict[str, Any]:
        """The answers the person sees and changes: the draft while editing."""
        return self.draft_answers if self.draft_answers is not None else self.answers


class ConsultationInvitation(Base):
    """A message sent to a person about a consultation; at most one of each kind."""

    __tablename__ = "consultation_invitations"
    __table_args__ = (UniqueConstraint("consultation_id", "person_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[InvitationKind] = mapped_column(Enum(InvitationKind, native_enum=False, length=16))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
