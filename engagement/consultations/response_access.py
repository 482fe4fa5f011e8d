"""The response a person answers and what it shows them: `start_or_resume` finds or creates
it, `open_response` reads it in one query for a button press, both under the same rules (the
consultation takes answers, the person may answer for that city or for themselves); `view_of`
turns it into the ResponseView the bot shows. Refusals raise ResponseRefused (a `Refusal` code).
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.consultations import flow
from engagement.consultations.errors import Refusal, ResponseRefused
from engagement.consultations.schema import Definition, Question
from storage import consultations_queries as q
from storage.base import utcnow
from storage.consultations import (
    Consultation,
    ConsultationResponse,
    ConsultationStatus,
    InvitationKind,
)
from storage.consultations import ResponseStatus as Status
from storage.errors import NotFound
from storage.people import Person, Role


@dataclass(frozen=True)
class ResponseView:
    """What the bot shows: the current question (None: the review before Submit) and progress."""

    response_id: int
    consultation_id: int
    definition: Definition
    status: Status
    answers: dict[str, Any]
    current: Question | None
    progress: flow.Progress | None
    language: str
    city_id: int | None
    closes_at: datetime
    editing: bool = False  # submitted answers being changed: `answers` are the unsent draft
    version: int = 0  # raised by every change of the answers (optimistic locking)
    channel: str = "bot"  # the face of the last change: "bot" or "web"

    @property
    def submitted(self) -> bool:
        """Submitted and nobody is changing the answers (the thanks screen)."""
        return self.status == Status.submitted and not self.editing

    def review(self, lang: str | None = None) -> list[flow.ReviewItem]:
        return flow.review(self.definition, self.answers, lang or self.language)


_PARSED: OrderedDict[int, tuple[dict[str, Any], Definition]] = OrderedDict()
_PARSED_MAX = 64


def definition_of(consultation: Consultation) -> Definition:
    """The consultation's checked definition; parsed once per stored version (every button
    press needs it, and parsing costs more than comparing the stored JSON with the last one)."""
    cached = _PARSED.get(consultation.id)
    if cached is not None and cached[0] == consultation.definition:
        _PARSED.move_to_end(consultation.id)
        return cached[1]
    definition = Definition.from_json(consultation.definition)
    _PARSED[consultation.id] = (copy.deepcopy(consultation.definition), definition)
    if len(_PARSED) > _PARSED_MAX:
        _PARSED.popitem(last=False)
    return definition


def view_of(consultation: Consultation, response: ConsultationResponse) -> ResponseView:
    """Where the response stands. current_question: None = not started (the first unanswered
    question), "" = the review, an id = that question (if a branch hid it: the next unanswered)."""
    definition = definition_of(consultation)
    answers = dict(response.working_answers)
    current: Question | None = None
    shows_thanks = response.status == Status.submitted and not response.editing
    if shows_thanks or response.current_question == "":
        current = None
    else:
        current = definition.question(response.current_question or "")
        if current is None or not flow.is_visible(definition, current, answers):
            current = flow.next_question(definition, answers)
    return ResponseView(
        response_id=response.id,
        consultation_id=consultation.id,
        definition=definition,
        status=response.status,
        answers=answers,
        current=current,
        progress=flow.progress(definition, answers, current.id) if current else None,
        language=response.language,
        city_id=response.city_id,
        closes_at=consultation.closes_at,
        editing=response.editing,
        version=response.version or 0,
        channel=response.channel or "bot",
    )


def check_accepting(consultation: Consultation, now: datetime) -> None:
    """Raise ResponseRefused (closed, or not_open) unless the consultation takes answers now."""
    if consultation.status == ConsultationStatus.closed or now >= consultation.closes_at:
        raise ResponseRefused(Refusal.closed)
    if consultation.status != ConsultationStatus.open or now < consultation.opens_at:
        raise ResponseRefused(Refusal.not_open)


async def _eligible_city(
    session: AsyncSession, consultation: Consultation, person: Person, wanted: int | None
) -> int | None:
    """The city the person answers for, or None for per-person consultations."""
    if consultation.audience == "invited":
        invited = await q.invited_person_ids(session, consultation.id, InvitationKind.invite)
        if person.id not in invited:
            raise ResponseRefused(Refusal.not_eligible)
    role = {"city_representatives": Role.city_representative, "youth": Role.youth}.get(
        consultation.audience
    )
    if role is not None and not person.has_role(role):
        raise ResponseRefused(Refusal.not_eligible)
    if role == Role.city_representative:
        cities = person.represented_city_ids()
    else:
        cities = [r.city_id for r in person.roles if r.city_id is not None]
    if consultation.networks and cities:
        networks = await q.network_slugs_by_city(session, cities)
        cities = [c for c in cities if set(networks.get(c, ())) & set(consultation.networks)]
        if not cities:
            raise ResponseRefused(Refusal.not_eligible)
    if wanted is not None:
        if wanted not in cities:
            raise ResponseRefused(Refusal.not_eligible)
        cities = [wanted]
    if consultation.one_response_per == "person":
        return cities[0] if cities else None
    if not cities:
        raise ResponseRefused(Refusal.no_city)
    return cities[0]


async def may_answer(
    session: AsyncSession, consultation: Consultation, person: Person, now: datetime
) -> bool:
    """Whether the consultation takes answers now and is meant for this person."""
    try:
        check_accepting(consultation, now)
        await _eligible_city(session, consultation, person, None)
    except ResponseRefused:
        return False
    return True


async def start_or_resume(
    session: AsyncSession,
    consultation_id: int,
    person_id: int,
    *,
    language: str,
    city_id: int | None = None,
    now: datetime | None = None,
) -> ResponseView:
    """The person's (or their city's) response, created if needed; a second representative
    of the same city gets the same response, with the first one's answers."""
    now = now or utcnow()
    consultation = await q.get_consultation(session, consultation_id)
    check_accepting(consultation, now)
    person = await q.person_with_roles(session, person_id)
    city = await _eligible_city(session, consultation, person, city_id)
    response = await q.get_or_create_response(
        session, consultation, city_id=city, person_id=person_id, language=language
    )
    return view_of(consultation, response)


@dataclass(frozen=True)
class Opened:
    """A response read once for a button press or a typed answer, with everything the engine
    and the screens need; pass it instead of the response id to act without re-reading."""

    consultation: Consultation
    response: ConsultationResponse
    definition: Definition
    city_name: str | None

    @property
    def view(self) -> ResponseView:
        return view_of(self.consultation, self.response)


async def open_response(
    session: AsyncSession, response_id: int, person: Person, *, now: datetime | None = None
) -> Opened | None:
    """The response with its consultation and city in one query (locked for update on
    PostgreSQL), when it is the one `start_or_resume` would give this person; None when it is
    not theirs (someone else's, or its city gone): the caller takes the slower general path.

    Raises NotFound for an unknown response, ResponseRefused when it takes no answers or the
    person may not answer it (the same rules as `start_or_resume`)."""
    row = await q.response_for_update(session, response_id)
    if row is None:
        raise NotFound(f"response {response_id} does not exist")
    response, consultation, city_name = row
    check_accepting(consultation, now or utcnow())
    if response.unit == "city":
        if response.city_id is None:
            return None
        await _eligible_city(session, consultation, person, response.city_id)
    else:
        await _eligible_city(session, consultation, person, None)
        if response.person_id != person.id:
            return None
    city = city_name if response.unit == "city" else None
    return Opened(consultation, response, definition_of(consultation), city)
