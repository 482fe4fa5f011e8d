"""The guard of every change to a response: the response found and checked for the person
(eligible, consultation accepting, not submitted unless reopened), and the version the
person saw still the current one (optimistic locking: `Seen`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.consultations import flow
from engagement.consultations.errors import (
    AnswerError,
    AnswersChanged,
    InvalidAnswer,
    Refusal,
    ResponseRefused,
)
from engagement.consultations.response_access import Opened, check_accepting, definition_of
from engagement.consultations.schema import Definition, Question
from storage import consultations_queries as q
from storage.base import utcnow
from storage.consultations import Consultation, ConsultationResponse
from storage.consultations import ResponseStatus as Status


@dataclass(frozen=True)
class Seen:
    """What a face showed before the person saved: the response's version and its answers
    then (optimistic locking: a save is refused when the version moved on since)."""

    version: int
    answers: Mapping[str, Any]


def check_seen(definition: Definition, response: ConsultationResponse, seen: Seen | None) -> None:
    if seen is not None and seen.version != response.version:
        changed = flow.changed_answers(definition, seen.answers, response.working_answers)
        raise AnswersChanged(changed, response.version)


async def editable(
    session: AsyncSession,
    response_id: int | Opened,
    person_id: int,
    now: datetime | None,
    seen: Seen | None = None,
) -> tuple[Consultation, ConsultationResponse, Definition]:
    found = await editable_response(session, response_id, person_id, now)
    check_seen(found[2], found[1], seen)
    return found


async def editable_response(
    session: AsyncSession, response_id: int | Opened, person_id: int, now: datetime | None
) -> tuple[Consultation, ConsultationResponse, Definition]:
    if isinstance(response_id, Opened):  # read and checked for this person by open_response
        opened = response_id
        if unchangeable(opened.response):
            raise ResponseRefused(Refusal.already_submitted)
        return opened.consultation, opened.response, opened.definition
    response = await q.get_response(session, response_id)
    consultation = await q.get_consultation(session, response.consultation_id)
    check_accepting(consultation, now or utcnow())
    person = await q.person_with_roles(session, person_id)
    if response.unit == "city":
        if response.city_id not in {r.city_id for r in person.roles}:
            raise ResponseRefused(Refusal.not_eligible)
    elif response.person_id != person_id:
        raise ResponseRefused(Refusal.not_eligible)
    if unchangeable(response):
        raise ResponseRefused(Refusal.already_submitted)
    return consultation, response, definition_of(consultation)


def unchangeable(response: ConsultationResponse) -> bool:
    """Submitted and not reopened: only `reopen` may start changing it."""
    return response.status == Status.submitted and not response.editing


def visible_question(definition: Definition, answers: dict[str, Any], question_id: str) -> Question:
    question = definition.question(question_id)
    if question is None or not flow.is_visible(definition, question, answers):
        raise InvalidAnswer(AnswerError.not_visible)
    return question


def question_after(
    definition: Definition, answers: dict[str, Any], question: Question, review_when_complete: bool
) -> str:
    """The question to show after `question` was answered ("": the review)."""
    following = flow.question_after(definition, answers, question.id)
    if following is None:
        return ""
    if review_when_complete and flow.next_question(definition, answers) is None:
        return ""
    return following.id
