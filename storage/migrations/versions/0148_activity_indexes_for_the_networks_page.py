"""indexes for the networks page: activity per city over a period, and a city's history

Revision ID: 0148
Revises: 0147
Create Date: 2026-12-07 05:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0148"
down_revision: str | Sequence[str] | None = "0147"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    (
        "ix_consultation_responses_city_submitted",
        "consultation_responses",
        ["city_id", "status", "submitted_at"],
    ),
    ("ix_poll_votes_city_answered", "poll_votes", ["city_id", "answered_at"]),
    ("ix_youth_submissions_city_created", "youth_submissions", ["city_id", "created_at"]),
    ("ix_cafe_seats_person_checked_in", "cafe_seats", ["person_id", "checked_in_at"]),
    ("ix_sources_city", "sources", ["city_id"]),
    ("ix_item_sources_source_item", "item_sources", ["source_id", "item_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
