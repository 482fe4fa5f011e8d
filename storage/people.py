"""People who talk to the bot, and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, utcnow
from storage.networks import City


class Role(enum.StrEnum):
    staff = "staff"
    city_representative = "city_representative"
    youth = "youth"
    member = "member"


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # Where consultation links are emailed (a representative's address, normalized lowercase).
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Loaded with the person (the bot's middleware joins them in the same query); a role's city is
    # never loaded implicitly: ask for it (`selectinload(PersonRole.city)`) or query its columns.
    roles: Mapped[list[PersonRole]] = relationship(
        back_populates="person", lazy="selectin", cascade="all, delete-orphan"
    )

    def has_role(self, role: Role) -> bool:
        return any(r.role == role for r in self.roles)

    @property
    def is_staff(self) -> bool:
        return self.has_role(Role.staff)

    def represented_city_ids(self) -> list[int]:
        return [
            r.city_id
            for r in self.roles
            if r.role == Role.city_representative and r.city_id is not None
        ]


class PersonRole(Base):
    """One role of a person; city representatives name their city."""

    __tablename__ = "person_roles"
    __table_args__ = (
        UniqueConstraint("person_id", "role", "city_id"),
        # NULLs never collide in the constraint above: a role without a city (staff, youth,
        # member) is held once through this index, which start-up upserts rely on
        Index(
            "uq_person_roles_without_city",
            "person_id",
            "role",
            unique=True,
            sqlite_where=text("city_id IS NULL"),
            postgresql_where=text("city_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=32))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    person: Mapped[Person] = relationship(back_populates="roles")
    city: Mapped[City | None] = relationship(lazy="raise")
