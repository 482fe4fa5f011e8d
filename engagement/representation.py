"""Who represents each city, verified when and how (which invite, or which approved request),
and the requests waiting for a decision: what staff read before inviting or deciding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage import networks_queries
from storage import representatives_queries as q
from storage.networks import City
from storage.people import Person
from storage.representatives import CityInvite, RepresentativeRequest
from storage.staff import StaffMember


@dataclass(frozen=True)
class Verified:
    """One representative of a city: since when, and through which invite or request."""

    person_id: int
    name: str
    language: str | None
    has_chat: bool
    since: datetime
    invite: CityInvite | None = None
    request: RepresentativeRequest | None = None


@dataclass(frozen=True)
class CityRepresentation:
    city: City
    representatives: list[Verified]


@dataclass(frozen=True)
class Waiting:
    """A pending request with who asked."""

    request: RepresentativeRequest
    name: str
    language: str | None


@dataclass(frozen=True)
class CityHistory:
    city: City
    representatives: list[Verified]
    invites: list[CityInvite]
    decided: list[RepresentativeRequest]
    waiting: list[Waiting]


def verified(
    holders: Sequence[q.Holder],
    invites: Sequence[CityInvite],
    requests: Sequence[RepresentativeRequest],
) -> dict[int, list[Verified]]:
    """Each city's representatives (by city id), each with the invite they redeemed for it or
    else the request approved for it (pure)."""
    by_invite = {(i.city_id, i.used_by_person_id): i for i in invites}
    approved = {(r.city_id, r.person_id): r for r in requests if r.status == "approved"}
    found: dict[int, list[Verified]] = {}
    for h in holders:
        key = (h.city_id, h.person_id)
        invite = by_invite.get(key)
        request = None if invite is not None else approved.get(key)
        found.setdefault(h.city_id, []).append(
            Verified(
                h.person_id, h.display_name, h.language, h.has_chat, h.granted_at, invite, request
            )
        )
    return found


async def representation(session: AsyncSession) -> list[CityRepresentation]:
    """Every city (by name) with its representatives."""
    cities = await networks_queries.cities_by_name(session)
    found = verified(
        await q.representatives(session),
        await q.used_invites(session),
        await q.decided_requests(session),
    )
    return [CityRepresentation(c, found.get(c.id, [])) for c in cities]


async def waiting_requests(session: AsyncSession, city_id: int | None = None) -> list[Waiting]:
    """The requests waiting for a decision (of one city, or of all), oldest first."""
    waiting = []
    for request in await q.pending_requests(session):
        if city_id is not None and request.city_id != city_id:
            continue
        person = await session.get(Person, request.person_id)
        if person is not None:
            waiting.append(Waiting(request, person.display_name, person.language))
    return waiting


async def city_history(session: AsyncSession, city_id: int) -> CityHistory | None:
    """One city's representatives, invites and requests; None when there is no such city."""
    city = await session.get(City, city_id)
    if city is None:
        return None
    decided = await q.decided_requests(session, city_id)
    found = verified(
        await q.representatives(session, city_id), await q.used_invites(session, city_id), decided
    )
    return CityHistory(
        city,
        found.get(city_id, []),
        await q.city_invites(session, city_id),
        decided,
        await waiting_requests(session, city_id),
    )


async def staff_person(session: AsyncSession, staff_id: int) -> Person | None:
    """The Telegram person of a console staff member, when they have one (decisions record
    who decided by person)."""
    member = await session.get(StaffMember, staff_id)
    if member is None or member.person_id is None:
        return None
    return await session.get(Person, member.person_id)
