"""telegram update claims: an update re-delivered by Telegram is not handled twice

Revision ID: 0149
Revises: 0148
Create Date: 2026-12-07 05:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0149"
down_revision: str | Sequence[str] | None = "0148"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "telegram_update_claims",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", storage.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("done_at", storage.base.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_telegram_update_claims")),
    )


def downgrade() -> None:
    op.drop_table("telegram_update_claims")
