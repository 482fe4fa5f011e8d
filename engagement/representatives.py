"""Verified city representatives: grant the role, and the ask-then-approve path."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

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
    cities = (await session.scalars(select(City).order_by(City.name))).all()
    return match_cities(query, cities)


async def request_representation(
    session: AsyncSession, person: Person, city: City
) -> RepresentativeRequest:
    """A pending request (the existing one when the person already asked for this city)."""
    existing = await session.scalar(
        select(RepresentativeRequest).where(
            RepresentativeRequest.person_id == person.id,
            RepresentativeRequest.city_id == city.id,
            RepresentativeRequest.status == RequestStatus.pending,
        )
    )
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
    session: AsyncSession, request_id: int, staff: Person, approve: bool
) -> Decision:
    """Approve or reject a pending request, once: a second press by anyone changes nothing."""
    status = RequestStatus.approved if approve else RequestStatus.rejected
    changed = await session.execute(
        update(RepresentativeRequest)
        .where(
            RepresentativeRequest.id == request_id,
            RepresentativeRequest.status == RequestStatus.pending,
        )
        .values(status=status, decided_at=utcnow(), decided_by_person_id=staff.id)
        .execution_options(synchronize_session=False)
    )
    request = await session.scalar(
        select(RepresentativeRequest)
        .where(RepresentativeRequest.id == request_id)
        .execution_options(populate_existing=True)
    )
    if request is None:
        return Decision(DecisionOutcome.gone)
    person = await session.get(Person, request.person_id)
    if getattr(changed, "rowcount", 0) != 1:
        return Decision(DecisionOutcome.already_decided, request, person)
    if approve and person is not None:
        grant_representative(session, person, request.city, f"person:{staff.id}")
    record(session, f"person:{staff.id}", f"representative.{status}", f"request:{request_id}")
    return Decision(DecisionOutcome.done, request, person)


async def pending_requests(session: AsyncSession) -> list[RepresentativeRequest]:
    rows = await session.scalars(
        select(RepresentativeRequest)
        .where(RepresentativeRequest.status == RequestStatus.pending)
        .order_by(RepresentativeRequest.created_at)
    )
    return list(rows.all())


async def staff_people(session: AsyncSession) -> list[Person]:
    rows = await session.scalars(
        select(Person)
        .join(PersonRole)
        .where(PersonRole.role == Role.staff, Person.telegram_id.is_not(None))
        .distinct()
    )
    return list(rows.all())
