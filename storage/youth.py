"""Youth voice: a young person's minimal profile and their submissions (ideas) to the network.

Personal data is kept minimal and deletable: an age bracket (never a birth date), the date a
parent or guardian agreed (under 16), and a first name only when the person chose to sign
with it. Media are kept as Telegram `file_id`s only, never downloaded: staff see them in the
chat; a kit or bulletin that needs the bytes fetches them from Telegram at that time.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, utcnow
from storage.networks import City


class AgeBracket(enum.StrEnum):
    under_16 = "under_16"  # needs a parent's or guardian's agreement
    from_16_to_17 = "16_17"
    adult = "18_plus"


class PublishAs(enum.StrEnum):
    first_name = "first_name"
    anonymous = "anonymous"


class Theme(enum.StrEnum):
    participation = "participation"
    inclusion = "inclusion"
    sustainability = "sustainability"
    culture = "culture"
    city_and_childhood = "city_and_childhood"
    other = "other"


class MediaKind(enum.StrEnum):
    photo = "photo"
    voice = "voice"


class SubmissionStatus(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    changes_requested = "changes_requested"


class YouthProfile(Base):
    """One per young person; deleted with the person (/forget)."""

    __tablename__ = "youth_profiles"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    age_bracket: Mapped[AgeBracket] = mapped_column(Enum(AgeBracket, native_enum=False, length=16))
    guardian_consent_at: Mapped[datetime | None]
    publish_as: Mapped[PublishAs | None] = mapped_column(
        Enum(PublishAs, native_enum=False, length=16)
    )
    first_name: Mapped[str | None] = mapped_column(String(64))  # only with publish_as=first_name
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class YouthSubmission(Base):
    """An idea sent by a young person; staff approve, reject or ask for changes.

    `published` is set once an approved submission went out (a bulletin, a campaign kit):
    /forget deletes the unpublished ones and keeps published ones without their author.
    """

    __tablename__ = "youth_submissions"
    # the networks page: ideas per city over a period, and the last one
    __table_args__ = (Index("ix_youth_submissions_city_created", "city_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="und")
    theme: Mapped[Theme] = mapped_column(Enum(Theme, native_enum=False, length=32))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    media_kind: Mapped[MediaKind | None] = mapped_column(
        Enum(MediaKind, native_enum=False, length=8)
    )
    media_file_id: Mapped[str | None] = mapped_column(String(256))
    status: Mapped[SubmissionStatus] = mapped_column(
        Enum(SubmissionStatus, native_enum=False, length=24),
        default=SubmissionStatus.pending,
        index=True,
    )
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published: Mapped[bool] = mapped_column(default=False)
    city: Mapped[City | None] = relationship(lazy="selectin")
