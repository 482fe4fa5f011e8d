"""Queries on staff members, their one-time sign-in links and their console sessions.

Every change that staff would want to see in the audit log records one row here, in the
caller's transaction (the caller commits)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import record
from storage.base import utcnow
from storage.people import Person
from storage.staff import StaffLoginLink, StaffMember, StaffRole, StaffSession


class StaffExists(Exception):
    """A staff member with this address exists already."""


def normalized_email(email: str) -> str:
    return email.strip().lower()


async def staff_by_email(session: AsyncSession, email: str) -> StaffMember | None:
    return await session.scalar(
        select(StaffMember).where(StaffMember.email == normalized_email(email))
    )


async def staff_by_id(session: AsyncSession, staff_id: int) -> StaffMember | None:
    return await session.get(StaffMember, staff_id)


async def staff_by_telegram_id(session: AsyncSession, telegram_id: int) -> StaffMember | None:
    return await session.scalar(
        select(StaffMember)
        .join(Person, Person.id == StaffMember.person_id)
        .where(Person.telegram_id == telegram_id)
    )


async def list_staff(session: AsyncSession) -> Sequence[StaffMember]:
    return (await session.scalars(select(StaffMember).order_by(StaffMember.name))).all()


async def add_staff(
    session: AsyncSession,
    *,
    email: str | None,
    name: str,
    role: StaffRole,
    language: str,
    actor: str,
    person_id: int | None = None,
    ip: str | None = None,
) -> StaffMember:
    """A new staff member; StaffExists when the address is taken. The caller commits."""
    address = normalized_email(email) if email else None
    if address and await staff_by_email(session, address) is not None:
        raise StaffExists(address)
    member = StaffMember(
        email=address, name=name, role=role, language=language, person_id=person_id, active=True
    )
    session.add(member)
    await session.flush()
    record(
        session,
        actor,
        "staff.added",
        f"staff:{member.id}",
        ip=ip,
        after={"email": address, "role": role.value},
    )
    return member


async def link_person(
    session: AsyncSession, member: StaffMember, person_id: int, actor: str
) -> None:
    """Make `member` the same person as a Telegram user (their bot commands follow their role)."""
    before = member.person_id
    member.person_id = person_id
    record(session, actor, "staff.linked", f"staff:{member.id}", before=before, after=person_id)


async def change_role(
    session: AsyncSession, member: StaffMember, role: StaffRole, actor: str, ip: str | None = None
) -> None:
    if member.role == role:
        return
    before = member.role.value
    member.role = role
    record(
        session, actor, "staff.role", f"staff:{member.id}", ip=ip, before=before, after=role.value
    )


async def set_active(
    session: AsyncSession, member: StaffMember, active: bool, actor: str, ip: str | None = None
) -> None:
    """Deactivate (every session ends) or reactivate a staff member."""
    if member.active == active:
        return
    member.active = active
    if not active:
        await revoke_all_sessions(session, member.id, utcnow())
    record(
        session,
        actor,
        "staff.active",
        f"staff:{member.id}",
        ip=ip,
        before=not active,
        after=active,
    )


async def set_language(session: AsyncSession, member: StaffMember, language: str) -> None:
    member.language = language


async def create_login_link(
    session: AsyncSession, staff_id: int, nonce_hash: str, now: datetime, lifetime: timedelta
) -> None:
    session.add(
        StaffLoginLink(
            nonce_hash=nonce_hash, staff_id=staff_id, created_at=now, expires_at=now + lifetime
        )
    )


async def use_login_link(session: AsyncSession, nonce_hash: str, now: datetime) -> int | None:
    """Mark the link used and return its staff member's id; None when it is unknown, used
    already or expired (one statement, so two clicks at once sign in once)."""
    return await session.scalar(
        update(StaffLoginLink)
        .where(
            StaffLoginLink.nonce_hash == nonce_hash,
            StaffLoginLink.used_at.is_(None),
            StaffLoginLink.expires_at > now,
        )
        .values(used_at=now)
        .returning(StaffLoginLink.staff_id)
    )


async def create_session(
    session: AsyncSession,
    *,
    staff_id: int,
    token_hash: str,
    now: datetime,
    lifetime: timedelta,
    ip: str | None,
    user_agent: str | None,
) -> StaffSession:
    row = StaffSession(
        token_hash=token_hash,
        staff_id=staff_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        ip=ip,
        user_agent=(user_agent or "")[:300] or None,
    )
    session.add(row)
    return row


async def live_session(
    session: AsyncSession, token_hash: str, now: datetime, idle: timedelta
) -> tuple[StaffSession, StaffMember] | None:
    """The session and its active staff member, unless revoked, idle too long or past its
    absolute timeout."""
    found = (
        await session.execute(
            select(StaffSession, StaffMember)
            .join(StaffMember, StaffMember.id == StaffSession.staff_id)
            .where(
                StaffSession.token_hash == token_hash,
                StaffSession.revoked_at.is_(None),
                StaffSession.expires_at > now,
                StaffSession.last_seen_at > now - idle,
                StaffMember.active.is_(True),
            )
        )
    ).first()
    return (found[0], found[1]) if found else None


async def touch_session(session: AsyncSession, session_id: int, now: datetime) -> None:
    await session.execute(
        update(StaffSession).where(StaffSession.id == session_id).values(last_seen_at=now)
    )


async def revoke_session(session: AsyncSession, token_hash: str, now: datetime) -> None:
    await session.execute(
        update(StaffSession)
        .where(StaffSession.token_hash == token_hash, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def revoke_all_sessions(session: AsyncSession, staff_id: int, now: datetime) -> int:
    """End every session of a staff member (sign out everywhere); how many were live."""
    result = await session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def live_sessions(
    session: AsyncSession, staff_id: int, now: datetime
) -> Sequence[StaffSession]:
    return (
        await session.scalars(
            select(StaffSession)
            .where(
                StaffSession.staff_id == staff_id,
                StaffSession.revoked_at.is_(None),
                StaffSession.expires_at > now,
            )
            .order_by(StaffSession.last_seen_at.desc())
        )
    ).all()


async def active_owner_count(session: AsyncSession) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(StaffMember)
        .where(StaffMember.role == StaffRole.owner, StaffMember.active.is_(True))
    )
    return int(found or 0)


async def console_role_of_person(session: AsyncSession, person_id: int) -> StaffRole | None:
    """The role of the staff member linked to this Telegram person; None when none is linked
    (staff from before roles keep every command). A deactivated member counts as a viewer:
    they may read, never change."""
    row = (
        await session.execute(
            select(StaffMember.role, StaffMember.active).where(StaffMember.person_id == person_id)
        )
    ).first()
    if row is None:
        return None
    return row[0] if row[1] else StaffRole.viewer
