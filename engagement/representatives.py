"""Verified city representatives: grant the role, and the ask-then-approve path."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage import networks_queries, people_queries
from storage import representatives_queries as q
from storage.audit import record
from storage.base import utcnow
from storage.networks import City
from storage.people import Person, PersonRole, Role
from storage.representatives import RepresentativeRequest, RequestStatus


def grant_representative(session: AsyncSession, person: Person, city: City, actor: str) -> bool:
    """Make `person` a representative of `city`; False when they already were."""
    if city.id in person.represented_city_ids():
        return False
    person.roles.append(PersonRole(role=Role.city_representative, city_id=city.id, city=city))
    record(session, actor, "representative.granted", f"person:{person.id}", city_id=city.id)
    return True


def grant_role(person: Person, role: Role) -> bool:
    """Give a role without a city (youth, member); False when already held."""
    if person.has_role(role):
        return False
    person.roles.append(PersonRole(role=role))
    return True


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def match_cities(query: str, cities: Sequence[City], limit: int = 8) -> list[City]:
    """Cities whose name matches `query`, ignoring case and accents; exact names first."""
    wanted = _folded(query)
    if len(wanted) < 2:
        return []
    exact = [c for c in cities if _folded(c.name) == wanted]
    starts = [c for c in cities if c not in exact and _folded(c.name).startswith(wanted)]
    inside = [c for c in cities if c not in exact + starts and wanted in _folded(c.name)]
    return (exact + starts + inside)[:limit]


async def find_cities(session: AsyncSession, query: str) -> list[City]:
    return match_cities(query, await networks_queries.cities_by_name(session))


async def request_representation(
    session: AsyncSession, person: Person, city: City
) -> RepresentativeRequest:
    """A pending request (the existing one when the person already asked for this city)."""
    existing = await q.pending_request(session, person.id, city.id)
    if existing is not None:
        return existing
    request = RepresentativeRequest(person_id=person.id, city_id=city.id, city=city)
    session.add(request)
    await session.flush()
    record(session, f"person:{person.id}", "representative.requested", f"city:{city.id}")
    return request


class DecisionOutcome(enum.StrEnum):
    done = "done"
    already_decided = "already_decided"
    gone = "gone"


@dataclass(frozen=True)
class Decision:
    outcome: DecisionOutcome
    request: RepresentativeRequest | None = None
    person: Person | None = None


async def decide_request(
    session: AsyncSession,
    request_id: int,
    staff: Person | None,
    approve: bool,
    *,
    actor: str | None = None,
) -> Decision:
    """Approve or reject a pending request, once: a second press by anyone changes nothing.

    `staff` is the deciding staff member's person (the bot always has one; a console member
    may have none); `actor` names them in the audit log (default `person:<id>`)."""
    status = RequestStatus.approved if approve else RequestStatus.rejected
    actor = actor or (f"person:{staff.id}" if staff is not None else "console")
    decided, request = await q.decide_pending_request(
        session,
        request_id,
        status=status,
        staff_id=staff.id if staff is not None else None,
        now=utcnow(),
    )
    if request is None:
        return Decision(DecisionOutcome.gone)
    person = await session.get(Person, request.person_id)
    if not decided:
        return Decision(DecisionOutcome.already_decided, request, person)
    if approve and person is not None:
        grant_representative(session, person, request.city, actor)
    record(session, actor, f"representative.{status}", f"request:{request_id}")
    return Decision(DecisionOutcome.done, request, person)


async def pending_requests(session: AsyncSession) -> list[RepresentativeRequest]:
    return await q.pending_requests(session)


async def staff_people(session: AsyncSession) -> list[Person]:
    return await people_queries.staff_with_chats(session)
