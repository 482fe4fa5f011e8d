"""SQL for city representatives: one-time claims of invites and of pending requests (an UPDATE
guarded on the state, then the row as stored now), and the pending requests. The caller
commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.people import Person, PersonRole, Role
from storage.representatives import CityInvite, RepresentativeRequest, RequestStatus


async def claim_invite(
    session: AsyncSession, nonce: str, person_id: int, now: datetime
) -> tuple[bool, CityInvite | None]:
    """Mark the unused, unexpired invite with this nonce used by the person, atomically.
    Returns whether this call used it, and the invite as stored now (None: no such nonce)."""
    claimed = await session.execute(
        update(CityInvite)
        .where(
            CityInvite.nonce == nonce,
            CityInvite.used_at.is_(None),
            CityInvite.expires_at > now,
        )
        .values(used_at=now, used_by_person_id=person_id)
        .execution_options(synchronize_session=False)
    )
    invite = await session.scalar(
        select(CityInvite)
        .where(CityInvite.nonce == nonce)
        .execution_options(populate_existing=True)
    )
    return getattr(claimed, "rowcount", 0) == 1, invite


async def pending_request(
    session: AsyncSession, person_id: int, city_id: int
) -> RepresentativeRequest | None:
    """The person's pending request for this city, if any."""
    return await session.scalar(
        select(RepresentativeRequest).where(
            RepresentativeRequest.person_id == person_id,
            RepresentativeRequest.city_id == city_id,
            RepresentativeRequest.status == RequestStatus.pending,
        )
    )


async def decide_pending_request(
    session: AsyncSession,
    request_id: int,
    *,
    status: RequestStatus,
    staff_id: int | None,
    now: datetime,
) -> tuple[bool, RepresentativeRequest | None]:
    """Give a pending request its decision, atomically. Returns whether this call decided it,
    and the request as stored now (None when it does not exist)."""
    changed = await session.execute(
        update(RepresentativeRequest)
        .where(
            RepresentativeRequest.id == request_id,
            RepresentativeRequest.status == RequestStatus.pending,
        )
        .values(status=status, decided_at=now, decided_by_person_id=staff_id)
        .execution_options(synchronize_session=False)
    )
    request = await session.scalar(
        select(RepresentativeRequest)
        .where(RepresentativeRequest.id == request_id)
        .execution_options(populate_existing=True)
    )
    return getattr(changed, "rowcount", 0) == 1, request


async def pending_requests(session: AsyncSession) -> list[RepresentativeRequest]:
    """Every pending request, oldest first."""
    rows = await session.scalars(
        select(RepresentativeRequest)
        .where(RepresentativeRequest.status == RequestStatus.pending)
        .order_by(RepresentativeRequest.created_at)
    )
    return list(rows.all())


@dataclass(frozen=True)
class Holder:
    """A verified representative of a city: who, since when."""

    city_id: int
    person_id: int
    display_name: str
    language: str | None
    has_chat: bool
    granted_at: datetime


async def representatives(session: AsyncSession, city_id: int | None = None) -> list[Holder]:
    """The city representatives (of one city, or of all), oldest first."""
    query = (
        select(
            PersonRole.city_id,
            Person.id,
            Person.display_name,
            Person.language,
            Person.telegram_id,
            PersonRole.granted_at,
        )
        .join(Person, Person.id == PersonRole.person_id)
        .where(PersonRole.role == Role.city_representative, PersonRole.city_id.is_not(None))
        .order_by(PersonRole.granted_at, PersonRole.id)
    )
    if city_id is not None:
        query = query.where(PersonRole.city_id == city_id)
    rows = (await session.execute(query)).all()
    return [
        Holder(c, p, name or "", lang, chat is not None, at)
        for c, p, name, lang, chat, at in rows
        if c is not None  # the query asks for city roles only; this tells mypy
    ]


async def used_invites(session: AsyncSession, city_id: int | None = None) -> list[CityInvite]:
    """The invites someone redeemed (of one city, or of all), first used first."""
    query = select(CityInvite).where(CityInvite.used_by_person_id.is_not(None))
    if city_id is not None:
        query = query.where(CityInvite.city_id == city_id)
    return list((await session.scalars(query.order_by(CityInvite.used_at))).all())


async def city_invites(session: AsyncSession, city_id: int, limit: int = 50) -> list[CityInvite]:
    """A city's invites, newest first."""
    query = (
        select(CityInvite)
        .where(CityInvite.city_id == city_id)
        .order_by(CityInvite.created_at.desc(), CityInvite.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def decided_requests(
    session: AsyncSession, city_id: int | None = None
) -> list[RepresentativeRequest]:
    """Approved and rejected requests (of one city, or of all), last decided first."""
    query = select(RepresentativeRequest).where(
        RepresentativeRequest.status != RequestStatus.pending
    )
    if city_id is not None:
        query = query.where(RepresentativeRequest.city_id == city_id)
    order = (RepresentativeRequest.decided_at.desc(), RepresentativeRequest.id.desc())
    return list((await session.scalars(query.order_by(*order))).all())


async def request_by_id(session: AsyncSession, request_id: int) -> RepresentativeRequest | None:
    return await session.get(RepresentativeRequest, request_id)
