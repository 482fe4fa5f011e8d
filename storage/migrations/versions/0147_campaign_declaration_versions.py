"""campaign declaration versions: every text the declaration had, per language

Revision ID: 0147
Revises: 0142
Create Date: 2026-12-07 05:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0147"
down_revision: str | Sequence[str] | None = "0142"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = storage.base.UtcDateTime()


def upgrade() -> None:
    op.create_table(
        "campaign_declaration_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("saved_by", sa.String(length=200), nullable=False),
        sa.Column("saved_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_declaration_versions_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_declaration_versions")),
        sa.UniqueConstraint(
            "campaign_id",
            "language",
            "number",
            name=op.f("uq_campaign_declaration_versions_campaign_id_language_number"),
        ),
    )


def downgrade() -> None:
    op.drop_table("campaign_declaration_versions")
