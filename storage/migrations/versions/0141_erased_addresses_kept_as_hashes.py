"""erased addresses kept as hashes (GDPR erasure that a later import respects); indexes for
the console's stats, subscriber page and filters

Revision ID: 0141
Revises: 0140
Create Date: 2026-12-07 02:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0141"
down_revision: str | Sequence[str] | None = "0140"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erased_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("erased_at", storage.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erased_addresses")),
        sa.UniqueConstraint("address_hash", name=op.f("uq_erased_addresses_address_hash")),
    )
    # the console's queries: an edition's stats from the index alone, one subscriber's events,
    # staff filters on status and language
    op.drop_index("ix_delivery_events_edition_event", table_name="delivery_events")
    op.create_index(
        "ix_delivery_events_edition_event_subscriber",
        "delivery_events",
        ["edition_id", "event", "subscriber_id"],
    )
    op.create_index("ix_delivery_events_subscriber_id", "delivery_events", ["subscriber_id"])
    op.create_index("ix_subscribers_status_language", "subscribers", ["status", "language"])


def downgrade() -> None:
    op.drop_index("ix_subscribers_status_language", table_name="subscribers")
    op.drop_index("ix_delivery_events_subscriber_id", table_name="delivery_events")
    op.drop_index("ix_delivery_events_edition_event_subscriber", table_name="delivery_events")
    op.create_index("ix_delivery_events_edition_event", "delivery_events", ["edition_id", "event"])
    op.drop_table("erased_addresses")
