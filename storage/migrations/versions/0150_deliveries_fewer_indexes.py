"""deliveries: partial indexes instead of those every change of state writes again

Every delivery row is inserted `queued`, then made `sending` and `accepted`; on PostgreSQL
each change writes an entry in every index of the table (whose predicate holds). The
(edition_id, state, id) index gives way to two partial ones, (edition_id, id) of the claimable
rows and of the rows in flight; batch_id and message_id lose theirs (no query reads a delivery
by its message_id, and a batch's rows are found among its edition's `sending` rows).

Revision ID: 0150
Revises: 0149
Create Date: 2026-12-07 06:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0150"
down_revision: str | Sequence[str] | None = "0149"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLAIMABLE = "state IN ('queued', 'uncertain')"
SENDING = "state = 'sending'"


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_message_id"))
        batch_op.drop_index(batch_op.f("ix_deliveries_batch_id"))
        batch_op.drop_index("ix_deliveries_edition_state_id")
    for name, predicate in (
        ("ix_deliveries_claimable", CLAIMABLE),
        ("ix_deliveries_sending", SENDING),
    ):
        op.create_index(
            name,
            "deliveries",
            ["edition_id", "id"],
            postgresql_where=sa.text(predicate),
            sqlite_where=sa.text(predicate),
        )


def downgrade() -> None:
    op.drop_index("ix_deliveries_sending", table_name="deliveries")
    op.drop_index("ix_deliveries_claimable", table_name="deliveries")
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.create_index(
            "ix_deliveries_edition_state_id", ["edition_id", "state", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_deliveries_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deliveries_message_id"), ["message_id"], unique=False)
