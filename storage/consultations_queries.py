"""SQL for consultations: plain reads and writes; the rules live in engagement.consultations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import utcnow
from storage.consultations import (
    Consultation,
    ConsultationInvitation,
    ConsultationResponse,
    ConsultationStatus,
    InvitationKind,
    ResponseStatus,
)
from storage.errors import NotFound
from storage.networks import City, Network, city_networks
from storage.people import Person, PersonRole, Role


async def get_consultation(session: AsyncSession, consultation_id: int) -> Consultation:
    consultation = await session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound(f"consultation {consultation_id} does not exist")
    return consultation


async def get_response(session: AsyncSession, response_id: int) -> ConsultationResponse:
    response = await session.get(ConsultationResponse, response_id)
    if response is None:
        raise NotFound(f"response {response_id} does not exist")
    return response


async def response_for_update(
    session: AsyncSession, response_id: int
) -> tuple[ConsultationResponse, Consultation, str | None] | None:
    """The response, its consultation and its city's name (None without a city) in one query,
    the response locked for update on PostgreSQL; None for an unknown response."""
    query = (
        select(ConsultationResponse, Consultation, City.name)
        .join(Consultation, Consultation.id == ConsultationResponse.consultation_id)
        .outerjoin(City, City.id == ConsultationResponse.city_id)
        .where(ConsultationResponse.id == response_id)
        .with_for_update(of=ConsultationResponse)
    )
    row = (await session.execute(query)).first()
    return None if row is None else (row[0], row[1], row[2])


async def find_response(
    session: AsyncSession, consultation: Consultation, *, city_id: int | None, person_id: int
) -> ConsultationResponse | None:
    """The response of the city (per-city consultations) or of the person."""
    query = select(ConsultationResponse).where(
        ConsultationResponse.consultation_id == consultation.id,
        ConsultationResponse.unit == consultation.one_response_per,
    )
    if consultation.one_response_per == "city":
        query = query.where(ConsultationResponse.city_id == city_id)
    else:
        query = query.where(ConsultationResponse.person_id == person_id)
    return (await session.scalars(query)).first()


async def get_or_create_response(
    session: AsyncSession,
    consultation: Consultation,
    *,
    city_id: int | None,
    person_id: int,
    language: str,
) -> ConsultationResponse:
    """The existing response of the city/person, or a new one committed at once.

    Two representatives starting together: the unique index lets one insert win; the other
    reads the winner's row.
    """
    existing = await find_response(session, consultation, city_id=city_id, person_id=person_id)
    if existing is not None:
        return existing
    response = ConsultationResponse(
        consultation_id=consultation.id,
        unit=consultation.one_response_per,
        city_id=city_id,
        person_id=person_id,
        language=language,
        status=ResponseStatus.in_progress,
        answers={},
    )
    session.add(response)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        existing = await find_response(session, consultation, city_id=city_id, person_id=person_id)
        if existing is None:
            raise
        return existing
    return response


async def save_response(
    session: AsyncSession,
    response: ConsultationResponse,
    *,
    answers: dict[str, Any],
    current_question: str | None,
    status: ResponseStatus | None = None,
    submitted_at: datetime | None = None,
    person_id: int | None = None,
    language: str | None = None,
    channel: str | None = None,
) -> None:
    """Store the answers and position, and commit (progress survives a restart). While a
    submitted response is being changed, the answers go to its draft; submitting makes them
    the submitted answers and ends the draft. A change of the answers or of the status raises
    the response's `version` by one and records the face that made it (`channel`)."""
    if dict(answers) != response.working_answers or status is not None:
        response.version = (response.version or 0) + 1
        if channel is not None:
            response.channel = channel
    # a new object each time, so the JSON column is seen as changed
    if response.editing and status != ResponseStatus.submitted:
        response.draft_answers = dict(answers)
    else:
        response.answers = dict(answers)
        response.draft_answers = None
    response.current_question = current_question
    response.updated_at = utcnow()
    if status is not None:
        response.status = status
    if submitted_at is not None:
        response.submitted_at = submitted_at
    if person_id is not None:
        response.person_id = person_id  # the representative who last touched it
    if language is not None:
        response.language = language
    await session.commit()


async def people_with_email(session: AsyncSession, address: str) -> list[Person]:
    """Active people whose recorded address is `address` (compared without case)."""
    query = select(Person).where(
        func.lower(Person.email) == address.lower(), Person.active.is_(True)
    )
    return list(await session.scalars(query.order_by(Person.id)))


async def emails_of(session: AsyncSession, person_ids: Sequence[int]) -> dict[int, Person]:
    """The people among `person_ids` who have an address, by id."""
    if not person_ids:
        return {}
    query = select(Person).where(
        Person.id.in_(person_ids), Person.email.is_not(None), Person.active.is_(True)
    )
    return {p.id: p for p in await session.scalars(query)}


async def consultation_by_slug(session: AsyncSession, slug: str) -> Consultation | None:
    return await session.scalar(select(Consultation).where(Consultation.slug == slug))


async def city_name(session: AsyncSession, city_id: int | None) -> str | None:
    if city_id is None:
        return None
    return await session.scalar(select(City.name).where(City.id == city_id))


async def person_with_roles(session: AsyncSession, person_id: int) -> Person:
    person = await session.get(Person, person_id)
    if person is None:
        raise NotFound(f"person {person_id} does not exist")
    return person


async def network_slugs_by_city(
    session: AsyncSession, city_ids: Sequence[int] | None = None
) -> dict[int, list[str]]:
    """Every city (or those given) with the slugs of its networks."""
    query = (
        select(City.id, Network.slug)
        .outerjoin(city_networks, city_networks.c.city_id == City.id)
        .outerjoin(Network, Network.id == city_networks.c.network_id)
    )
    if city_ids is not None:
        query = query.where(City.id.in_(city_ids))
    found: dict[int, list[str]] = {}
    for city_id, slug in (await session.execute(query)).all():
        found.setdefault(city_id, [])
        if slug is not None:
            found[city_id].append(slug)
    return found


async def all_network_slugs(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(Network.slug)))


@dataclass(frozen=True)
class RoleHolder:
    person_id: int
    city_id: int | None


async def role_holders(session: AsyncSession, role: Role) -> list[RoleHolder]:
    """Active people holding `role` (with the city they represent, if any)."""
    query = (
        select(PersonRole.person_id, PersonRole.city_id)
        .join(Person, Person.id == PersonRole.person_id)
        .where(PersonRole.role == role, Person.active.is_(True))
        .order_by(PersonRole.person_id, PersonRole.city_id)
    )
    return [RoleHolder(p, c) for p, c in (await session.execute(query)).all()]


async def active_people_ids(session: AsyncSession) -> list[int]:
    return list(await session.scalars(select(Person.id).where(Person.active.is_(True))))


async def submitted_responses(
    session: AsyncSession, consultation_id: int
) -> list[ConsultationResponse]:
    query = (
        select(ConsultationResponse)
        .where(
            ConsultationResponse.consultation_id == consultation_id,
            ConsultationResponse.status == ResponseStatus.submitted,
        )
        .order_by(ConsultationResponse.submitted_at, ConsultationResponse.id)
    )
    return list(await session.scalars(query))


async def export_rows(
    session: AsyncSession, consultation_id: int
) -> list[tuple[ConsultationResponse, City | None]]:
    """Submitted responses with their city, oldest first."""
    query = (
        select(ConsultationResponse, City)
        .outerjoin(City, City.id == ConsultationResponse.city_id)
        .where(
            ConsultationResponse.consultation_id == consultation_id,
            ConsultationResponse.status == ResponseStatus.submitted,
        )
        .order_by(ConsultationResponse.submitted_at, ConsultationResponse.id)
    )
    return [(r, c) for r, c in (await session.execute(query)).all()]


async def open_consultations(session: AsyncSession) -> list[Consultation]:
    query = select(Consultation).where(Consultation.status == ConsultationStatus.open)
    return list(await session.scalars(query.order_by(Consultation.closes_at)))


async def invited_person_ids(
    session: AsyncSession, consultation_id: int, kind: InvitationKind
) -> set[int]:
    query = select(ConsultationInvitation.person_id).where(
        ConsultationInvitation.consultation_id == consultation_id,
        ConsultationInvitation.kind == kind,
    )
    return set(await session.scalars(query))


async def record_invitation(
    session: AsyncSession,
    consultation_id: int,
    person_id: int,
    kind: InvitationKind,
    sent_at: datetime | None = None,
) -> bool:
    """Remember that `kind` was sent to the person; False when it already was."""
    session.add(
        ConsultationInvitation(
            consultation_id=consultation_id,
            person_id=person_id,
            kind=kind,
            sent_at=sent_at or utcnow(),
        )
    )
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return False
    return True


@dataclass(frozen=True)
class Chat:
    person_id: int
    telegram_id: int
    language: str | None


async def chats_of(session: AsyncSession, person_ids: Sequence[int]) -> list[Chat]:
    """Active people among `person_ids` who have a Telegram chat, by id."""
    if not person_ids:
        return []
    query = (
        select(Person.id, Person.telegram_id, Person.language)
        .where(
            Person.id.in_(list(set(person_ids))),
            Person.active.is_(True),
            Person.telegram_id.is_not(None),
        )
        .order_by(Person.id)
    )
    rows = (await session.execute(query)).all()
    return [Chat(p, t, lang) for p, t, lang in rows if t is not None]


async def responses_in_progress_for(
    session: AsyncSession, person_id: int, city_ids: Sequence[int], *, closed_since: datetime
) -> list[ConsultationResponse]:
    """Responses that the person answers (their own, or their cities') not submitted, or
    whose submitted answers are being changed, of consultations open or closed after
    `closed_since`; the person's own touch first, then
    the most recent."""
    mine = (ConsultationResponse.unit == "person") & (ConsultationResponse.person_id == person_id)
    cities = (ConsultationResponse.unit == "city") & ConsultationResponse.city_id.in_(
        list(city_ids)
    )
    query = (
        select(ConsultationResponse)
        .join(Consultation, Consultation.id == ConsultationResponse.consultation_id)
        .where(
            Consultation.status != ConsultationStatus.draft,
            Consultation.closes_at >= closed_since,
            (ConsultationResponse.status == ResponseStatus.in_progress)
            | ConsultationResponse.draft_answers.is_not(None),
            mine | cities if city_ids else mine,
        )
        .order_by(ConsultationResponse.updated_at.desc(), ConsultationResponse.id.desc())
    )
    found = list(await session.scalars(query))
    return sorted(found, key=lambda r: r.person_id != person_id)


@dataclass(frozen=True)
class ConsultationLine:
    id: int
    slug: str
    titles: dict[str, str]
    status: ConsultationStatus
    opens_at: datetime
    closes_at: datetime
    submitted: int


async def consultation_lines(session: AsyncSession, limit: int = 20) -> list[ConsultationLine]:
    """The latest consultations with how many responses are submitted, newest first."""
    submitted = (
        select(func.count())
        .where(
            ConsultationResponse.consultation_id == Consultation.id,
            ConsultationResponse.status == ResponseStatus.submitted,
        )
        .scalar_subquery()
    )
    query = select(Consultation, submitted).order_by(Consultation.id.desc()).limit(limit)
    return [
        ConsultationLine(
            c.id, c.slug, dict(c.titles), c.status, c.opens_at, c.closes_at, int(n or 0)
        )
        for c, n in (await session.execute(query)).all()
    ]


async def consultations_open_at(session: AsyncSession, now: datetime) -> list[Consultation]:
    """Open consultations whose answering window includes `now`, closing first."""
    rows = await session.scalars(
        select(Consultation)
        .where(
            Consultation.status == ConsultationStatus.open,
            Consultation.opens_at <= now,
            Consultation.closes_at > now,
        )
        .order_by(Consultation.closes_at, Consultation.id)
    )
    return list(rows.all())
