"""Cafés for the CLI and the bot: schedule (create, update, reschedule), join, leave, check in.

Every function takes the caller's session and commits what the person did before returning.
Times come in as `now` so that tests (and the jobs) run on a controllable clock.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import yaml
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from engagement.cafes.definition import CafeDefinition, evaluation_document
from engagement.consultations import lifecycle
from engagement.consultations.definition_check import load_definition
from storage import audit
from storage import cafe_seats as seats
from storage import consultation_queries as q
from storage.cafe_seats import SeatChange
from storage.cafes import Cafe, CafeSeat, SeatState
from storage.consultations import Consultation, ConsultationStatus
from storage.errors import NotFound
from storage.networks import Network, city_networks
from storage.people import Person, PersonRole, Role

CHECK_IN_EARLY = timedelta(minutes=10)  # the Check-in button works this long before the start
_ROLE_OF = {"city_representatives": Role.city_representative, "youth": Role.youth}
_ROLE_OF["staff"] = Role.staff


class CafeError(Exception):
    """Base of every error about cafés."""


class CafeOver(CafeError):
    """The café has ended: joining or leaving makes no sense any more."""


class CheckIn(enum.StrEnum):
    done = "done"
    already = "already"
    too_early = "too_early"
    over = "over"
    not_registered = "not_registered"


async def get_cafe(session: AsyncSession, cafe_id: int) -> Cafe:
    cafe = await session.get(Cafe, cafe_id)
    if cafe is None:
        raise NotFound(f"café {cafe_id} does not exist")
    return cafe


@dataclass(frozen=True)
class Scheduled:
    cafe: Cafe
    created: bool
    moved: bool  # an existing café got a new start time
    promoted: tuple[int, ...]  # people moved up by a larger capacity


async def schedule(
    session: AsyncSession, definition: CafeDefinition, *, actor: str, now: datetime
) -> Scheduled:
    """Store a new café, or update the one with the same slug; commits.

    Updating keeps the seats: a larger capacity moves people up from the waiting list, a
    smaller one takes nobody's seat. A new start time re-arms the reminders not yet due.
    """
    cafe = await session.scalar(select(Cafe).where(Cafe.slug == definition.slug))
    created = cafe is None
    if cafe is None:
        cafe = Cafe(slug=definition.slug, seats_taken=0, sequence=0, created_by=actor)
        session.add(cafe)
    moved = not created and cafe.starts_at != definition.starts_at
    cafe.titles = dict(definition.titles)
    cafe.descriptions = dict(definition.descriptions)
    cafe.language = definition.language
    cafe.starts_at = definition.starts_at
    cafe.timezone = definition.timezone
    cafe.duration_minutes = definition.duration_minutes
    cafe.capacity = definition.capacity
    cafe.call_url = definition.call_url
    cafe.audience = definition.audience
    cafe.networks = list(definition.networks)
    cafe.speakers = [s.to_json() for s in definition.speakers]
    if moved:
        cafe.sequence += 1
    await session.flush()
    if definition.evaluation is not None:
        await _store_evaluation(session, cafe, definition.evaluation, definition.evaluation_days)
    promoted = () if created else await seats.promote_waiting(session, cafe.id, now=now)
    audit.record(session, actor, "cafe.create" if created else "cafe.update", cafe.slug)
    await session.commit()
    return Scheduled(cafe, created, moved, promoted)


async def _store_evaluation(
    session: AsyncSession, cafe: Cafe, evaluation: dict[str, Any], days: int
) -> None:
    """Create the evaluation consultation, or rewrite it while it is still a draft."""
    document = evaluation_document(evaluation, cafe.starts_at, cafe.duration_minutes, days)
    source = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    existing = await session.get(Consultation, cafe.evaluation_id) if cafe.evaluation_id else None
    if existing is None:
        existing = await session.scalar(
            select(Consultation).where(Consultation.slug == document["slug"])
        )
    if existing is None:
        await session.commit()  # create_consultation commits on its own session state
        consultation = await lifecycle.create_consultation(
            session, source, actor=f"cafe:{cafe.slug}"
        )
        cafe.evaluation_id = consultation.id
        return
    cafe.evaluation_id = existing.id
    if existing.status == ConsultationStatus.draft:
        _rewrite(existing, source, await q.all_network_slugs(session))


def _rewrite(consultation: Consultation, source: str, networks: list[str]) -> None:
    definition = load_definition(source, networks)
    consultation.definition = definition.to_json()
    consultation.titles = dict(definition.title)
    consultation.opens_at, consultation.closes_at = definition.opens_at, definition.closes_at


async def reschedule(
    session: AsyncSession,
    cafe_id: int,
    starts_at: datetime,
    *,
    actor: str,
    tell: Callable[[Cafe], Awaitable[object]] | None = None,
) -> Cafe:
    """Move the café; its evaluation (while a draft) moves with it; `tell(cafe)` queues the
    message to the people concerned, committed with the move. Commits."""
    cafe = await get_cafe(session, cafe_id)
    if starts_at == cafe.starts_at:
        return cafe
    shift = starts_at - cafe.starts_at
    cafe.starts_at = starts_at
    cafe.sequence += 1
    if cafe.evaluation_id is not None:
        evaluation = await session.get(Consultation, cafe.evaluation_id)
        if evaluation is not None and evaluation.status == ConsultationStatus.draft:
            evaluation.opens_at += shift
            evaluation.closes_at += shift
            evaluation.definition = {
                **evaluation.definition,
                "opens_at": evaluation.opens_at.isoformat(),
                "closes_at": evaluation.closes_at.isoformat(),
            }
    audit.record(session, actor, "cafe.reschedule", f"{cafe.slug} {starts_at.isoformat()}")
    if tell is not None:
        await tell(cafe)
    await session.commit()
    return cafe


@dataclass(frozen=True)
class Joined:
    cafe: Cafe
    change: SeatChange
    position: int | None  # on the waiting list, 1 = next


async def join(session: AsyncSession, cafe_id: int, person_id: int, *, now: datetime) -> Joined:
    """Register the person, or put them on the waiting list when it is full; commits."""
    cafe = await get_cafe(session, cafe_id)
    if now >= cafe.ends_at:
        raise CafeOver(cafe.slug)
    try:
        change = await seats.take_seat(session, cafe_id, person_id, now=now)
        await session.commit()
    except IntegrityError:  # the same person pressed Join twice at once: the first one counts
        await session.rollback()
        change = SeatChange(None, None)
    seat = await seats.find_seat(session, cafe_id, person_id)
    if seat is not None and change.after is None:
        change = SeatChange(seat.state, seat.state)
    position = None
    if seat is not None and seat.state == SeatState.waiting:
        position = await seats.waiting_position(session, seat)
    await session.refresh(cafe)
    return Joined(cafe, change, position)


async def leave(
    session: AsyncSession, cafe_id: int, person_id: int, *, now: datetime
) -> SeatChange:
    """Give the seat back (the first on the waiting list gets it) or leave the list; commits."""
    cafe = await get_cafe(session, cafe_id)
    if now >= cafe.ends_at:
        raise CafeOver(cafe.slug)
    change = await seats.release_seat(session, cafe_id, person_id, now=now)
    audit.record(session, f"person:{person_id}", "cafe.leave", cafe.slug)
    await session.commit()
    return change


async def check_in(
    session: AsyncSession, cafe_id: int, person_id: int, *, now: datetime
) -> CheckIn:
    """Record that a registered person attends; commits."""
    cafe = await get_cafe(session, cafe_id)
    seat = await seats.find_seat(session, cafe_id, person_id)
    if seat is None or seat.state != SeatState.registered:
        return CheckIn.not_registered
    if seat.checked_in_at is not None:
        return CheckIn.already
    if now < cafe.starts_at - CHECK_IN_EARLY:
        return CheckIn.too_early
    if now >= cafe.ends_at:
        return CheckIn.over
    seat.checked_in_at = now
    await session.commit()
    return CheckIn.done


async def audience_people(session: AsyncSession, cafe: Cafe) -> list[int]:
    """Active people with a chat in the café's audience (and, if named, its networks)."""
    return list(await session.scalars(_audience(cafe).order_by(Person.id)))


async def in_audience(session: AsyncSession, cafe: Cafe, person_id: int) -> bool:
    """Whether the café is for this person (its audience and, if named, its networks)."""
    found = await session.scalar(_audience(cafe).where(Person.id == person_id).limit(1))
    return found is not None


def _audience(cafe: Cafe) -> Select[int]:
    query = select(Person.id).where(Person.active.is_(True), Person.telegram_id.is_not(None))
    if (role := _ROLE_OF.get(cafe.audience)) is not None:
        query = query.where(
            Person.id.in_(select(PersonRole.person_id).where(PersonRole.role == role))
        )
    if cafe.networks:
        in_networks = (
            select(PersonRole.person_id)
            .join(city_networks, city_networks.c.city_id == PersonRole.city_id)
            .join(Network, Network.id == city_networks.c.network_id)
            .where(Network.slug.in_(cafe.networks))
        )
        query = query.where(Person.id.in_(in_networks))
    return query


async def cafes_around(session: AsyncSession, now: datetime, *, days: int = 30) -> list[Cafe]:
    """Cafés starting within a day, or ended within `days` (what the jobs look at)."""
    query = select(Cafe).where(
        Cafe.starts_at <= now + timedelta(days=1), Cafe.starts_at >= now - timedelta(days=days)
    )
    return list(await session.scalars(query.order_by(Cafe.starts_at, Cafe.id)))


async def latest_cafes(session: AsyncSession, limit: int = 10) -> list[Cafe]:
    return list(await session.scalars(select(Cafe).order_by(Cafe.starts_at.desc()).limit(limit)))


async def seat_of(session: AsyncSession, cafe_id: int, person_id: int) -> CafeSeat | None:
    return await seats.find_seat(session, cafe_id, person_id)
