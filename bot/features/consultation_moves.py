"""What a consultation button asks of the engine (engagement.consultations.answering): decided
from the view and the button alone (pure), then carried out in one call. A button that changes
the answers is refused when the response's version moved on since its screen (`changed_since`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features import consultation_screens as screens
from bot.features.consultation_screens import Act, Step
from engagement.consultations import answering
from engagement.consultations.opening import Target
from engagement.consultations.response_access import ResponseView
from engagement.consultations.schema import QuestionType

Operation = Callable[..., Awaitable[ResponseView]]
REVIEW_WHEN_COMPLETE: Mapping[str, Any] = {"review_when_complete": True}
CHANGING = frozenset({Act.option, Act.toggle, Act.done, Act.skip, Act.submit})


@dataclass(frozen=True)
class Move:
    """One call of `answering`: `operation(session, target, *args, person_id=…, **options)`."""

    operation: Operation
    args: tuple[Any, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)


def is_current(view: ResponseView, data: Step) -> bool:
    """The button belongs to the screen the response is at now."""
    if data.a == Act.change:
        return view.submitted
    if view.submitted:
        return False
    return screens.index_of(view, view.current) == data.q


def changed_since(view: ResponseView, data: Step) -> bool:
    """A button that changes the answers, made from a screen of an earlier version of the
    response (someone saved it since, in the bot or on the web). `v` -1: not checked."""
    return data.a in CHANGING and 0 <= data.v != view.version


def _answer(view: ResponseView, data: Step) -> Move | None:
    question = view.current
    if question is None:
        return None
    if data.a == Act.toggle:
        option = screens.option_value(question, data.o)
        if not isinstance(option, str) or question.type != QuestionType.multi_choice:
            return None
        return Move(answering.toggle, (question.id, option))
    if data.a == Act.skip:
        return Move(answering.skip, (question.id,), REVIEW_WHEN_COMPLETE)
    if data.a == Act.done:
        chosen = view.answers.get(question.id)
        value: object = chosen if isinstance(chosen, list) else []
    else:
        value = screens.option_value(question, data.o)
        if value is None or question.type == QuestionType.multi_choice:
            return None
    return Move(answering.answer, (question.id, value), REVIEW_WHEN_COMPLETE)


def move_for(view: ResponseView, data: Step) -> Move | None:
    """What the button does; None when it does not fit the question (stale)."""
    if data.a == Act.back:
        return Move(answering.back)
    if data.a == Act.submit:
        return Move(answering.submit)
    if data.a == Act.change:
        return Move(answering.reopen, options={"at_review": True})
    if data.a == Act.edit:
        questions = view.definition.questions
        if not 0 <= data.o < len(questions):
            return None
        return Move(answering.go_to, (questions[data.o].id,))
    return _answer(view, data)


async def perform(
    session: AsyncSession, view: ResponseView, data: Step, person_id: int, target: Target
) -> ResponseView | None:
    """Carry out a button; None when the button does not fit the question (stale). `target` is
    the response already read (`response_access.Opened`), or its id."""
    move = move_for(view, data)
    if move is None:
        return None
    return await move.operation(session, target, *move.args, person_id=person_id, **move.options)
