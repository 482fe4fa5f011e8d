"""consultations answered on the web too: response version and channel, representatives' email

Revision ID: 0142
Revises: 0141
Create Date: 2026-12-07 02:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0142"
down_revision: str | Sequence[str] | None = "0141"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consultation_responses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "channel", sa.String(length=8), server_default=sa.text("'bot'"), nullable=False
            )
        )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))
        batch_op.create_index(batch_op.f("ix_people_email"), ["email"], unique=False)
    with op.batch_alter_table("city_invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("city_invites", schema=None) as batch_op:
        batch_op.drop_column("email")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_email"))
        batch_op.drop_column("email")
    with op.batch_alter_table("consultation_responses", schema=None) as batch_op:
        batch_op.drop_column("channel")
        batch_op.drop_column("version")
