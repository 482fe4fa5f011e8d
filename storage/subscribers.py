"""Email subscribers of the bulletins."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from storage.base import Base, JsonValue, utcnow


class SubscriberStatus(enum.StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    unsubscribed = "unsubscribed"
    bounced = "bounced"
    complained = "complained"


class Subscriber(Base):
    __tablename__ = "subscribers"
    # staff filter by status and language (the console), the delivery queue by both too
    __table_args__ = (Index("ix_subscribers_status_language", "status", "language"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    # lower-cased address: one subscriber per address whatever its case
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="en")
    networks: Mapped[list[str]] = mapped_column(JsonValue, default=list)
    status: Mapped[SubscriberStatus] = mapped_column(
        Enum(SubscriberStatus, native_enum=False, length=16), default=SubscriberStatus.pending
    )
    status_reason: Mapped[str | None] = mapped_column(String(500))
    paused: Mapped[bool] = mapped_column(default=False)
    consent_source: Mapped[str | None] = mapped_column(String(200))
    consented_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @validates("email")
    def _keep_key(self, _key: str, email: str) -> str:
        self.email_key = email.strip().lower()
        return email.strip()
