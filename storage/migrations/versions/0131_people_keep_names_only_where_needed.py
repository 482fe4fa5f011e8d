"""people: erase the names that no role needs (young people, members, people without a role)

The bot kept the full name Telegram shows (first name and surname) of everyone who wrote to it.
Only city representatives (and those who asked to be one) and staff need a name; the others
keep nothing but their Telegram id, language and roles (a young person's first name lives in
their youth profile, and only if they chose to sign with it). See bot/personal_data.py.

Revision ID: 0131
Revises: 0130
Create Date: 2026-12-07 00:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0131"
down_revision: str | Sequence[str] | None = "0130"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        UPDATE people SET display_name = ''
        WHERE display_name <> ''
          AND id NOT IN (
            SELECT person_id FROM person_roles
            WHERE role IN ('city_representative', 'staff')
          )
          AND id NOT IN (SELECT person_id FROM representative_requests)
        """
    )


def downgrade() -> None:
    """The names are gone: nothing to bring back."""
