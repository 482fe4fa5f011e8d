"""Email subscribers of the bulletins."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ColumnElement, Enum, Index, Integer, String, and_
from sqlalchemy.ext.hybrid import hybrid_property
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

    @hybrid_property
    def receives_bulletins(self) -> bool:
        """Who receives bulletins, the one definition: confirmed and not paused (never a
        pending, unsubscribed, bounced or complained subscriber). Also an SQL condition
        (`Subscriber.receives_bulletins`), used by delivery, campaigns and counts."""
        return self.status is SubscriberStatus.confirmed and not self.paused

    @receives_bulletins.inplace.expression
    @classmethod
    def _receives_bulletins_expression(cls) -> ColumnElement[bool]:
        return and_(cls.status == SubscriberStatus.confirmed, cls.paused.is_(False))
