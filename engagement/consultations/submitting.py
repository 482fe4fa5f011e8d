"""Submitting a response, and reopening a submitted one: the submitted answers stay counted
until a new submission replaces them (`reopen` starts a draft beside them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.consultations import flow
from engagement.consultations.errors import ConsultationError
from engagement.consultations.response_access import Opened, ResponseView, view_of
from engagement.consultations.response_guard import Seen, editable
from storage import audit
from storage import consultations_queries as q
from storage.base import utcnow
from storage.consultations import ResponseStatus as Status


async def submit(
    session: AsyncSession,
    response_id: int | Opened,
    *,
    person_id: int,
    now: datetime | None = None,
    channel: str = "bot",
    seen: Seen | None = None,
) -> ResponseView:
    """Submit: answers to questions hidden by a changed branch are dropped; refused with
    InvalidAnswer(incomplete, question_ids=[…]) while a visible required question is empty."""
    now = now or utcnow()
    consultation, response, definition = await editable(session, response_id, person_id, now, seen)
    kept = flow.answers_to_submit(definition, response.working_answers)
    audit.record(session, f"person:{person_id}", "consultation.submit", consultation.slug)
    await q.save_response(  # commits the submission and its audit event together
        session,
        response,
        answers=kept,
        current_question="",
        status=Status.submitted,
        submitted_at=now,
        person_id=person_id,
        channel=channel,
    )
    return view_of(consultation, response)


async def reopen(
    session: AsyncSession,
    response_id: int | Opened,
    *,
    person_id: int,
    now: datetime | None = None,
    at_review: bool = False,
) -> ResponseView:
    """Change a submitted response until closing (at the first question, or at the review):
    the changes are a draft beside the submitted answers, which results and exports go on
    counting until the draft is submitted."""
    response = (
        response_id.response
        if isinstance(response_id, Opened)
        else await q.get_response(session, response_id)
    )
    if response.status == Status.submitted and not response.editing:
        response.draft_answers = dict(response.answers)
    try:
        consultation, response, definition = await editable(session, response_id, person_id, now)
    except ConsultationError:
        await session.rollback()
        raise
    target = "" if at_review else definition.questions[0].id
    await q.save_response(
        session, response, answers=response.working_answers, current_question=target
    )
    return view_of(consultation, response)
