"""The consultation engine the bot router and the CLI call: rules from `flow`, rows via storage.

Every function takes the caller's AsyncSession (one per update in the bot) and commits what the
person gave before returning, so an answer survives a restart the moment it is acknowledged.
Refusals raise ResponseRefused (a `Refusal` code) or InvalidAnswer (an `AnswerError` code).
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engagement.consultations import flow
from bot.engagement.consultations.errors import (
    AnswerError,
    ConsultationError,
    DefinitionError,
    InvalidAnswer,
    Refusal,
    ResponseRefused,
)
from bot.engagement.consultations.schema import Definition, Question, load_definition
from storage import audit
from storage import consultation_queries as q
from storage.base import utcnow
from storage.consultations import (
    Consultation,
    ConsultationResponse,
    ConsultationStatus,
    InvitationKind,
)
from storage.consultations import ResponseStatus as Status
from storage.errors import NotFound
from storage.networks import City
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

    @property
    def submitted(self) -> bool:
        return self.status == Status.submitted

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


async def create_consultation(session: AsyncSession, source: str, *, actor: str) -> Consultation:
    """Check the YAML and store it as a draft; DefinitionError lists every problem."""
    definition = load_definition(source, await q.all_network_slugs(session))
    consultation = Consultation(
        slug=definition.slug,
        definition=definition.to_json(),
        titles=dict(definition.title),
        audience=definition.audience.value,
        networks=list(definition.networks),
        one_response_per=definition.one_response_per.value,
        opens_at=definition.opens_at,
        closes_at=definition.closes_at,
        status=ConsultationStatus.draft,
    )
    session.add(consultation)
    audit.record(session, actor, "consultation.create", definition.slug)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise DefinitionError(
            [f"slug: a consultation {definition.slug!r} already exists"]
        ) from None
    return consultation


async def set_status(
    session: AsyncSession,
    consultation_id: int,
    status: ConsultationStatus,
    *,
    actor: str,
    now: datetime | None = None,
) -> Consultation:
    """Open or close a consultation; opening one whose closing time has passed is refused."""
    consultation = await q.get_consultation(session, consultation_id)
    if status == ConsultationStatus.open and (now or utcnow()) >= consultation.closes_at:
        raise ConsultationError("its closes_at has passed; it cannot be opened")
    consultation.status = status
    audit.record(session, actor, f"consultation.{status.value}", consultation.slug)
    await session.commit()
    return consultation


def _check_accepting(consultation: Consultation, now: datetime) -> None:
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
    _check_accepting(consultation, now)
    person = await q.person_with_roles(session, person_id)
    city = await _eligible_city(session, consultation, person, city_id)
    response = await q.get_or_create_response(
        session, consultation, city_id=city, person_id=person_id, language=language
    )
    return _view(consultation, response)


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
        return _view(self.consultation, self.response)


async def open_response(
    session: AsyncSession, response_id: int, person: Person, *, now: datetime | None = None
) -> Opened | None:
    """The response with its consultation and city in one query (locked for update on
    PostgreSQL), when it is the one `start_or_resume` would give this person; None when it is
    not theirs (someone else's, or its city gone): the caller takes the slower general path.

    Raises NotFound for an unknown response, ResponseRefused when it takes no answers or the
    person may not answer it (the same rules as `start_or_resume`)."""
    query = (
        select(ConsultationResponse, Consultation, City.name)
        .join(Consultation, Consultation.id == ConsultationResponse.consultation_id)
        .outerjoin(City, City.id == ConsultationResponse.city_id)
        .where(ConsultationResponse.id == response_id)
        .with_for_update(of=ConsultationResponse)
    )
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound(f"response {response_id} does not exist")
    response, consultation, city_name = row
    _check_accepting(consultation, now or utcnow())
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


def _view(consultation: Consultation, response: ConsultationResponse) -> ResponseView:
    """Where the response stands. current_question: None = not started (the first unanswered
    question), "" = the review, an id = that question (if a branch hid it: the next unanswered)."""
    definition = definition_of(consultation)
    answers = dict(response.answers)
    current: Question | None = None
    if response.status == Status.submitted or response.current_question == "":
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
    )


async def _editable(
    session: AsyncSession, response_id: int | Opened, person_id: int, now: datetime | None
) -> tuple[Consultation, ConsultationResponse, Definition]:
    if isinstance(response_id, Opened):  # read and checked for this person by open_response
        opened = response_id
        if opened.response.status == Status.submitted:
            raise ResponseRefused(Refusal.already_submitted)
        return opened.consultation, opened.response, opened.definition
    response = await q.get_response(session, response_id)
    consultation = await q.get_consultation(session, response.consultation_id)
    _check_accepting(consultation, now or utcnow())
    person = await q.person_with_roles(session, person_id)
    if response.unit == "city":
        if response.city_id not in {r.city_id for r in person.roles}:
            raise ResponseRefused(Refusal.not_eligible)
    elif response.person_id != person_id:
        raise ResponseRefused(Refusal.not_eligible)
    if response.status == Status.submitted:
        raise ResponseRefused(Refusal.already_submitted)
    return consultation, response, definition_of(consultation)


def _question(definition: Definition, answers: dict[str, Any], question_id: str) -> Question:
    question = definition.question(question_id)
    if question is None or not flow.is_visible(definition, question, answers):
        raise InvalidAnswer(AnswerError.not_visible)
    return question


def _after(
    definition: Definition, answers: dict[str, Any], question: Question, review_when_complete: bool
) -> str:
    """The question to show after `question` was answered ("": the review)."""
    following = flow.question_after(definition, answers, question.id)
    if following is None:
        return ""
    if review_when_complete and flow.next_question(definition, answers) is None:
        return ""
    return following.id


async def answer(
    session: AsyncSession,
    response_id: int | Opened,
    question_id: str,
    value: object,
    *,
    person_id: int,
    now: datetime | None = None,
    review_when_complete: bool = False,
) -> ResponseView:
    """Check and store an answer (an option id, a list of ids, a number, a typed text), then
    move on to the next visible question (None: the review). With `review_when_complete`,
    once every visible question has an answer, go to the review (changing one answer from
    the review goes back to it, not through the rest)."""
    consultation, response, definition = await _editable(session, response_id, person_id, now)
    answers = dict(response.answers)
    question = _question(definition, answers, question_id)
    answers[question.id] = flow.validate_answer(question, value)
    await q.save_response(
        session,
        response,
        answers=answers,
        current_question=_after(definition, answers, question, review_when_complete),
        person_id=person_id,
    )
    return _view(consultation, response)


async def toggle(
    session: AsyncSession,
    response_id: int | Opened,
    question_id: str,
    option_id: str,
    *,
    person_id: int,
    now: datetime | None = None,
) -> ResponseView:
    """Multi choice: add or remove one option (kept at once); the question stays current."""
    consultation, response, definition = await _editable(session, response_id, person_id, now)
    answers = dict(response.answers)
    question = _question(definition, answers, question_id)
    selected = answers.get(question.id)
    answers[question.id] = flow.toggle_choice(
        question, selected if isinstance(selected, list) else [], option_id
    )
    await q.save_response(
        session, response, answers=answers, current_question=question.id, person_id=person_id
    )
    return _view(consultation, response)


async def skip(
    session: AsyncSession,
    response_id: int | Opened,
    question_id: str,
    *,
    person_id: int,
    now: datetime | None = None,
    review_when_complete: bool = False,
) -> ResponseView:
    """Skip an optional question (its answer becomes empty) and move on (as `answer` does)."""
    consultation, response, definition = await _editable(session, response_id, person_id, now)
    answers = dict(response.answers)
    question = _question(definition, answers, question_id)
    flow.check_skip(question)
    answers[question.id] = None
    await q.save_response(
        session,
        response,
        answers=answers,
        current_question=_after(definition, answers, question, review_when_complete),
        person_id=person_id,
    )
    return _view(consultation, response)


async def go_to(
    session: AsyncSession,
    response_id: int | Opened,
    question_id: str | None,
    *,
    person_id: int,
    now: datetime | None = None,
) -> ResponseView:
    """Show `question_id` (editing from the review), or the review itself when None."""
    consultation, response, definition = await _editable(session, response_id, person_id, now)
    if question_id is not None:
        _question(definition, dict(response.answers), question_id)
    await q.save_response(
        session, response, answers=response.answers, current_question=question_id or ""
    )
    return _view(consultation, response)


async def back(
    session: AsyncSession, response_id: int | Opened, *, person_id: int, now: datetime | None = None
) -> ResponseView:
    """Back: the visible question before the current one (stays on the first one)."""
    consultation, response, definition = await _editable(session, response_id, person_id, now)
    view = _view(consultation, response)
    current = view.current.id if view.current else None
    previous = flow.question_before(definition, view.answers, current)
    target = previous.id if previous else current
    await q.save_response(session, response, answers=response.answers, current_question=target)
    return _view(consultation, response)


async def submit(
    session: AsyncSession, response_id: int | Opened, *, person_id: int, now: datetime | None = None
) -> ResponseView:
    """Submit: answers to questions hidden by a changed branch are dropped; refused with
    InvalidAnswer(incomplete, question_ids=[…]) while a visible required question is empty."""
    now = now or utcnow()
    consultation, response, definition = await _editable(session, response_id, person_id, now)
    kept = flow.answers_to_submit(definition, response.answers)
    audit.record(session, f"person:{person_id}", "consultation.submit", consultation.slug)
    await q.save_response(  # commits the submission and its audit event together
        session,
        response,
        answers=kept,
        current_question="",
        status=Status.submitted,
        submitted_at=now,
        person_id=person_id,
    )
    return _view(consultation, response)


async def reopen(
    session: AsyncSession,
    response_id: int | Opened,
    *,
    person_id: int,
    now: datetime | None = None,
    at_review: bool = False,
) -> ResponseView:
    """Edit a submitted response until closing (at the first question, or at the review). It
    leaves the results until submitted again."""
    if isinstance(response_id, Opened):
        response = response_id.response
        if response.status == Status.submitted:
            response.status = Status.in_progress
    else:
        response = await q.get_response(session, response_id)
        if response.status == Status.submitted:
            response.status = Status.in_progress
            await session.flush()
    try:
        consultation, response, definition = await _editable(session, response_id, person_id, now)
    except ConsultationError:
        await session.rollback()
        raise
    target = "" if at_review else definition.questions[0].id
    await q.save_response(session, response, answers=response.answers, current_question=target)
    return _view(consultation, response)
