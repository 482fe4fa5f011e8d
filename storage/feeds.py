"""Activity feed sources and the items made of their entries."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, JsonValue, utcnow
from storage.networks import City


class SourceStatus(enum.StrEnum):
    active = "active"
    disabled = "disabled"  # 410 Gone, or turned off by staff


class Source(Base):
    __tablename__ = "sources"
    __table_args__ = (Index("ix_sources_city", "city_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str | None] = mapped_column(String(500))
    networks: Mapped[list[str]] = mapped_column(JsonValue, default=list)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    language: Mapped[str | None] = mapped_column(String(8))
    priority: Mapped[int] = mapped_column(default=0)
    status: Mapped[SourceStatus] = mapped_column(
        Enum(SourceStatus, native_enum=False, length=16), default=SourceStatus.active
    )
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_error_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(default=0)
    next_fetch_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    city: Mapped[City | None] = relationship(lazy="selectin")


class Item(Base):
    """One piece of news, whatever the number of feeds that carried it (one per URL)."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    guid: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(1000), default="")
    summary_html: Mapped[str] = mapped_column(Text, default="")
    summary_text: Mapped[str] = mapped_column(Text, default="")
    content_html: Mapped[str | None] = mapped_column(Text)
    content_text: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(index=True)
    author: Mapped[str | None] = mapped_column(String(500))
    categories: Mapped[list[str]] = mapped_column(JsonValue, default=list)
    image_url: Mapped[str | None] = mapped_column(String(2000))
    language: Mapped[str] = mapped_column(String(8), default="und", index=True)
    language_confidence: Mapped[float] = mapped_column(default=0.0)
    content_hash: Mapped[str] = mapped_column(String(64))
    event_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    links: Mapped[list[ItemSource]] = relationship(
        back_populates="item", lazy="selectin", cascade="all, delete-orphan"
    )


class ItemSource(Base):
    """An item as carried by one source, under that source's guid."""

    __tablename__ = "item_sources"
    __table_args__ = (
        UniqueConstraint("source_id", "guid"),
        # the networks page and a city's history: a city's items through its sources
        Index("ix_item_sources_source_item", "source_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    guid: Mapped[str] = mapped_column(String(2000))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    item: Mapped[Item] = relationship(back_populates="links")
    source: Mapped[Source] = relationship(lazy="selectin")
