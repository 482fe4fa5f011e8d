"""SQL for city representatives: one-time claims of invites and of pending requests (an UPDATE
guarded on the state, then the row as stored now), and the pending requests. The caller
commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

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
    staff_id: int,
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
