"""Email deliveries of bulletin editions: one row per (edition, subscriber), and webhook events.

A delivery moves queued → sending → accepted; `failed` after a refusal or too many tries (a new
`aive bulletin send` re-queues it), `uncertain` when its batch was in flight at a crash or the
answer was lost (it is sent again), `skipped` when the subscriber left before their turn.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, utcnow


class DeliveryState(enum.StrEnum):
    queued = "queued"
    sending = "sending"
    accepted = "accepted"
    failed = "failed"
    uncertain = "uncertain"
    skipped = "skipped"


# the rows a sender may take, and those in flight (the predicates of the partial indexes)
CLAIMABLE_PREDICATE = "state IN ('queued', 'uncertain')"
SENDING_PREDICATE = "state = 'sending'"


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("edition_id", "subscriber_id"),
        # Partial indexes: a row enters each only in the state it serves, so making it
        # `sending` or `accepted` writes fewer index entries (on PostgreSQL every change of
        # state writes a new entry in each index whose predicate holds). Queries name these
        # predicates literally (deliveries_queries.CLAIMABLE_ROWS, SENDING_ROWS) to use them.
        # the claim query: queued/uncertain rows of one edition after the last id, in id order
        Index(
            "ix_deliveries_claimable",
            "edition_id",
            "id",
            postgresql_where=text(CLAIMABLE_PREDICATE),
            sqlite_where=text(CLAIMABLE_PREDICATE),
        ),
        # an edition's in-flight rows: recovery, a batch's lease (found by its batch_id here)
        Index(
            "ix_deliveries_sending",
            "edition_id",
            "id",
            postgresql_where=text(SENDING_PREDICATE),
            sqlite_where=text(SENDING_PREDICATE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    # the address when queued: what was sent, even if the subscriber changes it later
    email: Mapped[str] = mapped_column(String(320))
    state: Mapped[DeliveryState] = mapped_column(
        Enum(DeliveryState, native_enum=False, length=16), default=DeliveryState.queued
    )
    # no index of its own (nor message_id): a batch's rows are found by ix_deliveries_sending
    batch_id: Mapped[str | None] = mapped_column(String(64))
    # who holds a `sending` row and until when (a crashed holder's rows become uncertain)
    worker_id: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # set once the row was ever in an in-flight batch of unknown outcome: the duplicate window
    uncertain_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(1000))
    accepted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DeliveryEvent(Base):
    """One SendGrid Event Webhook event, kept once (`sg_event_id` is unique)."""

    __tablename__ = "delivery_events"
    __table_args__ = (
        # an edition's stats count distinct subscribers per event: read from the index alone
        Index(
            "ix_delivery_events_edition_event_subscriber", "edition_id", "event", "subscriber_id"
        ),
        # one subscriber's events (their page, their export, their erasure)
        Index("ix_delivery_events_subscriber_id", "subscriber_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sg_event_id: Mapped[str] = mapped_column(String(100), unique=True)
    event: Mapped[str] = mapped_column(String(32))
    edition_id: Mapped[int | None] = mapped_column(Integer)
    subscriber_id: Mapped[int | None] = mapped_column(Integer)
    delivery_id: Mapped[int | None] = mapped_column(Integer)
    email: Mapped[str | None] = mapped_column(String(320))
    reason: Mapped[str | None] = mapped_column(String(500))
    occurred_at: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
