"""International Day campaigns: one per year, and its timeline steps (D-45 … D+7).

A step is `planned` until it is launched (by the scheduler when due, or by staff); `paused`
steps are skipped by the scheduler; a step is `done` once everything it started is over (its
consultation closed, or at once for a step that only sends messages). What a launch created is
recorded on the step (consultation, broadcast and edition ids), and each of those is itself
idempotent (consultation slug, outbox key, edition per series/period/language), so a second
launch after a crash completes the first one without sending anything twice.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, JsonValue, utcnow


class CampaignStatus(enum.StrEnum):
    active = "active"
    paused = "paused"


class StepStatus(enum.StrEnum):
    planned = "planned"
    launched = "launched"
    paused = "paused"
    done = "done"


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    theme: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[CampaignStatus] = mapped_column(
        Enum(CampaignStatus, native_enum=False, length=16), default=CampaignStatus.active
    )
    # the declaration read on the Day, per language ({lang: markdown text}); set by staff
    declaration: Mapped[dict[str, str]] = mapped_column(JsonValue, default=dict)
    kit_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    steps: Mapped[list[CampaignStep]] = relationship(
        back_populates="campaign",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="CampaignStep.due_at",
    )

    def step(self, key: str) -> CampaignStep | None:
        return next((s for s in self.steps if s.key == key), None)


class CampaignStep(Base):
    __tablename__ = "campaign_steps"
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(8))
    due_at: Mapped[datetime]
    status: Mapped[StepStatus] = mapped_column(
        Enum(StepStatus, native_enum=False, length=16), default=StepStatus.planned
    )
    # the first planned time, kept when staff move the step (None: never moved)
    moved_from: Mapped[datetime | None]
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultations.id", ondelete="SET NULL")
    )
    broadcast_ids: Mapped[list[int]] = mapped_column(JsonValue, default=list)
    edition_ids: Mapped[list[int]] = mapped_column(JsonValue, default=list)
    launched_at: Mapped[datetime | None]
    launched_by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    campaign: Mapped[Campaign] = relationship(back_populates="steps")

    def details(self) -> dict[str, Any]:
        return {
            "consultation_id": self.consultation_id,
            "broadcast_ids": list(self.broadcast_ids),
            "edition_ids": list(self.edition_ids),
        }


class DeclarationVersion(Base):
    """Every text the declaration had in one language, numbered from 1: saving a new text adds
    a version, so an earlier one is never lost (and staff can take it up again)."""

    __tablename__ = "campaign_declaration_versions"
    __table_args__ = (UniqueConstraint("campaign_id", "language", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(200))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
