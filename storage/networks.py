"""Networks (territorial and thematic) and member cities."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, Enum, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, JsonValue, utcnow


class NetworkKind(enum.StrEnum):
    territorial = "territorial"
    thematic = "thematic"


city_networks = Table(
    "city_networks",
    Base.metadata,
    Column("city_id", ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True),
    Column("network_id", ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True),
)


class Network(Base):
    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[NetworkKind] = mapped_column(
        Enum(NetworkKind, native_enum=False, length=16), default=NetworkKind.territorial
    )
    names: Mapped[dict[str, str]] = mapped_column(JsonValue, default=dict)
    languages: Mapped[list[str]] = mapped_column(JsonValue, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or self.slug


class City(Base):
    __tablename__ = "cities"
    __table_args__ = (UniqueConstraint("name", "country"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(200))
    languages: Mapped[list[str]] = mapped_column(JsonValue, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    networks: Mapped[list[Network]] = relationship(secondary=city_networks, lazy="selectin")
