"""Changing a response as the person answers: answer, toggle, skip, go to a question, back,
submit, reopen; rules from `flow`, rows via storage, the response reached by `response_access`,
checked by `response_guard`; `submit` and `reopen` live in `submitting` (imported here).

A submitted response stays submitted, with its answers, until a new submission replaces them:
`reopen` starts a draft beside it (the response's `draft_answers`), the steps change the draft,
and only `submit` makes it the submitted version. Closing keeps the last submitted version.

Every function takes the caller's AsyncSession (one per update in the bot) and commits what the
person gave before returning, so an answer survives a restart the moment it is acknowledged.
Refusals raise ResponseRefused (a `Refusal` code) or InvalidAnswer (an `AnswerError` code).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.consultations import flow
from engagement.consultations.errors import AnswerError, AnswersChanged, InvalidAnswer
from engagement.consultations.response_access import Opened, ResponseView, view_of
from engagement.consultations.response_guard import (
    Seen,
    editable,
    question_after,
    visible_question,
)
from engagement.consultations.schema import Question
from engagement.consultations.submitting import reopen, submit
from storage import consultations_queries as q

__all__ = [
    "AnswersChanged",
    "ManyAnswered",
    "Seen",
    "answer",
    "answer_many",
    "back",
    "go_to",
    "reopen",
    "skip",
    "submit",
    "toggle",
]


async def answer(
    session: AsyncSession,
    response_id: int | Opened,
    question_id: str,
    value: object,
    *,
    person_id: int,
    now: datetime | None = None,
    review_when_complete: bool = False,
    channel: str = "bot",
    seen: Seen | None = None,
) -> ResponseView:
    """Check and store an answer (an option id, a list of ids, a number, a typed text), then
    move on to the next visible question (None: the review). With `review_when_complete`,
    once every visible question has an answer, go to the review (changing one answer from
    the review goes back to it, not through the rest)."""

    def store(question: Question, answers: dict[str, Any]) -> None:
        answers[question.id] = flow.validate_answer(question, value)

    move = Move(person_id, now, channel, seen, review_when_complete)
    return await _change(session, response_id, question_id, store, move)


async def toggle(
    session: AsyncSession,
    response_id: int | Opened,
    question_id: str,
    option_id: str,
    *,
    person_id: int,
    now: datetime | None = None,
    channel: str = "bot",
    seen: Seen | None = None,
) -> ResponseView:
    """Multi choice: add or remove one option (kept at once); the question stays current."""

    def flip(question: Question, answers: dict[str, Any]) -> None:
        selected = answers.get(question.id)
        chosen = selected if isinstance(selected, list) else []
        answers[question.id] = flow.toggle_choice(question, chosen, option_id)

    move = Move(person_id, now, channel, seen, stay=True)
    return await _change(session, response_id, question_id, flip, move)


async def skip(
    session: AsyncSession,
    response_id: int | Opened,
    question_id: str,
    *,
    person_id: int,
    now: datetime | None = None,
    review_when_complete: bool = False,
    channel: str = "bot",
    seen: Seen | None = None,
) -> ResponseView:
    """Skip an optional question (its answer becomes empty) and move on (as `answer` does)."""

    def empty(question: Question, answers: dict[str, Any]) -> None:
        flow.check_skip(question)
        answers[question.id] = None

    move = Move(person_id, now, channel, seen, review_when_complete)
    return await _change(session, response_id, question_id, empty, move)


@dataclass(frozen=True)
class Move:
    """Who changes a response, when, from which face, against which version (`seen`), and where
    the position goes next: the next question (or the review when complete) or `stay`."""

    person_id: int
    now: datetime | None
    channel: str
    seen: Seen | None
    review_when_complete: bool = False
    stay: bool = False


async def _change(
    session: AsyncSession,
    response_id: int | Opened,
    question_id: str,
    change: Callable[[Question, dict[str, Any]], None],
    move: Move,
) -> ResponseView:
    """What answer, toggle and skip share: the response checked editable (and unchanged since
    `seen`), the question visible, `change` applied to the answers, the position moved, stored."""
    consultation, response, definition = await editable(
        session, response_id, move.person_id, move.now, move.seen
    )
    answers = dict(response.working_answers)
    question = visible_question(definition, answers, question_id)
    change(question, answers)
    current = (
        question.id
        if move.stay
        else question_after(definition, answers, question, move.review_when_complete)
    )
    await q.save_response(
        session,
        response,
        answers=answers,
        current_question=current,
        person_id=move.person_id,
        channel=move.channel,
    )
    return view_of(consultation, response)


async def go_to(
    session: AsyncSession,
    response_id: int | Opened,
    question_id: str | None,
    *,
    person_id: int,
    now: datetime | None = None,
) -> ResponseView:
    """Show `question_id` (editing from the review), or the review itself when None."""
    consultation, response, definition = await editable(session, response_id, person_id, now)
    if question_id is not None:
        visible_question(definition, dict(response.working_answers), question_id)
    await q.save_response(
        session, response, answers=response.working_answers, current_question=question_id or ""
    )
    return view_of(consultation, response)


async def back(
    session: AsyncSession, response_id: int | Opened, *, person_id: int, now: datetime | None = None
) -> ResponseView:
    """Back: the visible question before the current one (stays on the first one)."""
    consultation, response, definition = await editable(session, response_id, person_id, now)
    view = view_of(consultation, response)
    current = view.current.id if view.current else None
    previous = flow.question_before(definition, view.answers, current)
    target = previous.id if previous else current
    await q.save_response(
        session, response, answers=response.working_answers, current_question=target
    )
    return view_of(consultation, response)


@dataclass(frozen=True)
class ManyAnswered:
    """What `answer_many` did: the response now, and why each refused answer was refused."""

    view: ResponseView
    refused: dict[str, InvalidAnswer]


def _empty(value: object) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


async def answer_many(
    session: AsyncSession,
    response_id: int | Opened,
    given: Mapping[str, object],
    *,
    person_id: int,
    now: datetime | None = None,
    channel: str = "web",
    seen: Seen | None = None,
) -> ManyAnswered:
    """Answer several questions at once (a web page of questions), under the same rules as
    `answer` and `skip`: in the definition's order, each question visible given the answers
    before it and present in `given` is checked; an empty optional one is skipped, an empty
    required one refused (its earlier answer kept). Valid answers are stored, refused ones
    reported by question id; the position becomes the first refused question, else the next
    unanswered one, else the review. Raises AnswersChanged when `seen` is out of date."""
    consultation, response, definition = await editable(session, response_id, person_id, now, seen)
    answers = dict(response.working_answers)
    refused: dict[str, InvalidAnswer] = {}
    for question in definition.questions:
        if question.id not in given or not flow.is_visible(definition, question, answers):
            continue
        value = given[question.id]
        try:
            if _empty(value):
                if question.required:
                    raise InvalidAnswer(AnswerError.required)
                answers[question.id] = None
            else:
                answers[question.id] = flow.validate_answer(question, value)
        except InvalidAnswer as error:
            refused[question.id] = error
    following = flow.next_question(definition, answers)
    current = next(iter(refused), None) or (following.id if following else "")
    await q.save_response(
        session,
        response,
        answers=answers,
        current_question=current,
        person_id=person_id,
        channel=channel,
    )
    return ManyAnswered(view_of(consultation, response), refused)
