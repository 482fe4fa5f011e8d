"""Secretariat staff: their roles, the one permission table every face follows, and the console's
sign-in rows (one-time links and server-side sessions).

The permission table is pure (no I/O) so the bot, the CLI and the console read the same rules:
`owner` manages staff, `editor` runs bulletins, subscribers, feeds, campaigns and broadcasts,
`moderator` runs youth ideas, consultations, cafés and polls, `viewer` reads everything.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, utcnow


class StaffRole(enum.StrEnum):
    owner = "owner"
    editor = "editor"
    moderator = "moderator"
    viewer = "viewer"


class Permission(enum.StrEnum):
    read = "read"
    manage_staff = "manage_staff"
    edit_bulletins = "edit_bulletins"
    manage_subscribers = "manage_subscribers"
    manage_feeds = "manage_feeds"
    run_campaigns = "run_campaigns"
    send_broadcasts = "send_broadcasts"
    moderate_youth = "moderate_youth"
    run_consultations = "run_consultations"
    run_cafes = "run_cafes"
    run_polls = "run_polls"
    read_audit = "read_audit"


EDITOR = frozenset(
    {
        Permission.read,
        Permission.edit_bulletins,
        Permission.manage_subscribers,
        Permission.manage_feeds,
        Permission.run_campaigns,
        Permission.send_broadcasts,
    }
)
MODERATOR = frozenset(
    {
        Permission.read,
        Permission.moderate_youth,
        Permission.run_consultations,
        Permission.run_cafes,
        Permission.run_polls,
    }
)
# viewers read everything, the audit log included, and change nothing
ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.owner: frozenset(Permission),
    StaffRole.editor: EDITOR,
    StaffRole.moderator: MODERATOR,
    StaffRole.viewer: frozenset({Permission.read, Permission.read_audit}),
}
# Staff granted in the bot or with `aive staff add TELEGRAM_ID` before roles existed have no
# console row: they keep every command they had.
LEGACY_STAFF_ROLE = StaffRole.owner


def allows(role: StaffRole | str | None, permission: Permission) -> bool:
    """Whether `role` may do what `permission` names (no role: nothing)."""
    if role is None:
        return False
    try:
        return permission in ROLE_PERMISSIONS[StaffRole(role)]
    except ValueError:
        return False


class StaffMember(Base):
    """A console user; `person_id` links them to their Telegram person when they have one."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[StaffRole] = mapped_column(Enum(StaffRole, native_enum=False, length=16))
    language: Mapped[str] = mapped_column(String(8), default="en")
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), unique=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffLoginLink(Base):
    """A one-time sign-in link: its nonce's hash, used once at most, before `expires_at`."""

    __tablename__ = "staff_login_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class StaffSession(Base):
    """A signed-in browser. The cookie holds a random id; only its SHA-256 is stored."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]  # the absolute timeout
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
