"""Bulletin series and their editions (one per series, period and language)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, JsonValue, utcnow


class EditionStatus(enum.StrEnum):
    draft = "draft"
    approved = "approved"
    scheduled = "scheduled"
    sending = "sending"
    sent = "sent"
    cancelled = "cancelled"


class Series(Base):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    titles: Mapped[dict[str, str]] = mapped_column(JsonValue, default=dict)
    networks: Mapped[list[str]] = mapped_column(JsonValue, default=list)
    languages: Mapped[list[str]] = mapped_column(JsonValue, default=list)
    # cron expression in the secretariat's timezone, e.g. "0 9 1-7 * tue"
    cadence: Mapped[str] = mapped_column(String(100), default="0 9 1-7 * tue")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.slug


class Edition(Base):
    __tablename__ = "editions"
    __table_args__ = (UniqueConstraint("series_id", "period_start", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    status: Mapped[EditionStatus] = mapped_column(
        Enum(EditionStatus, native_enum=False, length=16), default=EditionStatus.draft
    )
    subject: Mapped[str] = mapped_column(String(300), default="")
    preheader: Mapped[str] = mapped_column(String(300), default="")
    editorial: Mapped[str | None] = mapped_column(Text)
    # the composed draft: sections, item ids, pins/exclusions and the spread report
    content: Mapped[dict[str, Any]] = mapped_column(JsonValue, default=dict)
    html: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    send_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    series: Mapped[Series] = relationship(lazy="selectin")
