"""Walking a consultation's questions: pure functions of the definition and the answers so far.

Answers are a dict keyed by question id. Values: an option id (single choice), a list of option
ids (multi choice), an int (scale), an int or float (number), a str (text); `None` marks an
optional question the person skipped. A question is visible when it has no `show_if` or when the
question it names is visible and answered with one of the listed options.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engagement.consultations.errors import AnswerError, InvalidAnswer
from engagement.consultations.schema import Definition, Question, QuestionType, localized

AnswerValue = str | list[str] | int | float | None
Answers = Mapping[str, Any]

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def is_visible(definition: Definition, question: Question, answers: Answers) -> bool:
    """Whether `question` is asked, given the answers (branches follow `show_if` chains)."""
    if question.show_if is None:
        return True
    target = definition.question(question.show_if.question)
    if target is None or not is_visible(definition, target, answers):
        return False
    given = answers.get(target.id)
    chosen = set(given) if isinstance(given, list) else {given}
    return bool(chosen & set(question.show_if.in_))


def visible_questions(definition: Definition, answers: Answers) -> list[Question]:
    return [q for q in definition.questions if is_visible(definition, q, answers)]


def could_be_asked(definition: Definition, question: Question, answers: Answers) -> bool:
    """Whether `question` is asked now, or may be once the questions it depends on are
    answered (a branch not decided yet)."""
    if question.show_if is None:
        return True
    target = definition.question(question.show_if.question)
    if target is None or not could_be_asked(definition, target, answers):
        return False
    if target.id not in answers:
        return True
    return is_visible(definition, question, answers)


def most_questions(definition: Definition, answers: Answers) -> int:
    """How many questions may be asked at most, given the answers so far (every branch not
    decided yet counted in); equal to `len(visible_questions(...))` once all are decided."""
    return sum(could_be_asked(definition, q, answers) for q in definition.questions)


def next_question(definition: Definition, answers: Answers) -> Question | None:
    """The first visible question not yet answered nor skipped; None when all are done."""
    return next((q for q in visible_questions(definition, answers) if q.id not in answers), None)


def question_after(definition: Definition, answers: Answers, question_id: str) -> Question | None:
    """The visible question that follows `question_id`; None when it was the last one."""
    seen = False
    for q in definition.questions:
        if seen and is_visible(definition, q, answers):
            return q
        seen = seen or q.id == question_id
    return None


def question_before(
    definition: Definition, answers: Answers, question_id: str | None
) -> Question | None:
    """What Back shows: the visible question before `question_id` (None: the last visible one
    before the review); None when `question_id` is the first question."""
    previous: Question | None = None
    for q in visible_questions(definition, answers):
        if q.id == question_id:
            return previous
        previous = q
    return previous


@dataclass(frozen=True)
class Progress:
    """Question `position` of `total`; `exact` is False while branches may still add or take
    away questions, and `total` is then the most there can be (it never grows as one goes on)."""

    position: int
    total: int
    exact: bool = True

    def __str__(self) -> str:
        return f"{self.position}/{self.total}"


def progress(definition: Definition, answers: Answers, question_id: str) -> Progress:
    """Where `question_id` stands, e.g. 3/7, or 3 of up to 8 while a branch is undecided."""
    visible = [q.id for q in visible_questions(definition, answers)]
    position = visible.index(question_id) + 1 if question_id in visible else len(visible)
    most = most_questions(definition, answers)
    return Progress(position, max(most, len(visible)), exact=most <= len(visible))


def validate_answer(question: Question, value: object) -> AnswerValue:
    """The answer normalized for storage, or InvalidAnswer with a code the bot translates."""
    if question.type == QuestionType.single_choice:
        if not isinstance(value, str) or question.option(value) is None:
            raise InvalidAnswer(AnswerError.unknown_option)
        return value
    if question.type == QuestionType.multi_choice:
        chosen = [value] if isinstance(value, str) else value
        if not isinstance(chosen, list | tuple):
            raise InvalidAnswer(AnswerError.unknown_option)
        if any(not isinstance(c, str) or question.option(c) is None for c in chosen):
            raise InvalidAnswer(AnswerError.unknown_option)
        unique = [o for o in question.option_ids if o in chosen]  # definition order, no repeats
        if not unique:
            raise InvalidAnswer(AnswerError.required)
        if len(unique) > question.choice_limit:
            raise InvalidAnswer(AnswerError.too_many_choices, max_choices=question.choice_limit)
        return unique
    if question.type in (QuestionType.scale, QuestionType.number):
        return _validate_number(question, value)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidAnswer(AnswerError.required)
    if len(text) > question.text_limit:
        raise InvalidAnswer(AnswerError.too_long, max_length=question.text_limit, length=len(text))
    return text


def _validate_number(question: Question, value: object) -> int | float:
    number: int | float
    if isinstance(value, bool):
        raise InvalidAnswer(AnswerError.not_a_number)
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str) and _NUMBER.match(value.strip().replace(" ", "")):
        number = float(value.strip().replace(" ", "").replace(",", "."))
    else:
        raise InvalidAnswer(AnswerError.not_a_number)
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if question.type == QuestionType.scale and not isinstance(number, int):
        raise InvalidAnswer(AnswerError.not_a_whole_number)
    low, high = question.min, question.max
    if (low is not None and number < low) or (high is not None and number > high):
        raise InvalidAnswer(AnswerError.out_of_range, min=_plain(low), max=_plain(high))
    return number


def _plain(limit: float | None) -> int | float | None:
    return int(limit) if limit is not None and float(limit).is_integer() else limit


def toggle_choice(question: Question, selected: list[str] | None, option_id: str) -> list[str]:
    """Multi choice: add or remove `option_id`; refuse going past max_choices."""
    if question.option(option_id) is None:
        raise InvalidAnswer(AnswerError.unknown_option)
    chosen = set(selected or ())
    if option_id in chosen:
        chosen.discard(option_id)
    elif len(chosen) >= question.choice_limit:
        raise InvalidAnswer(AnswerError.too_many_choices, max_choices=question.choice_limit)
    else:
        chosen.add(option_id)
    return [o for o in question.option_ids if o in chosen]


def check_skip(question: Question) -> None:
    """Skip is offered on optional questions only."""
    if question.required:
        raise InvalidAnswer(AnswerError.not_skippable)


def missing_required(definition: Definition, answers: Answers) -> list[Question]:
    """Visible required questions without an answer (Submit is refused while any remain)."""
    return [
        q
        for q in visible_questions(definition, answers)
        if q.required and answers.get(q.id) in (None, [], "")
    ]


def answers_to_submit(definition: Definition, answers: Answers) -> dict[str, AnswerValue]:
    """The answers kept on submit: those of visible questions (a changed branch drops the rest);
    raises InvalidAnswer(incomplete) when a visible required question is unanswered."""
    missing = missing_required(definition, answers)
    if missing:
        raise InvalidAnswer(AnswerError.incomplete, question_ids=[q.id for q in missing])
    return {
        q.id: answers.get(q.id) for q in visible_questions(definition, answers) if q.id in answers
    }


def changed_answers(definition: Definition, before: Answers, after: Answers) -> list[str]:
    """Ids of the questions (in definition order) whose answer differs between two versions."""
    return [
        q.id for q in definition.questions if before.get(q.id, _UNSET) != after.get(q.id, _UNSET)
    ]


_UNSET = object()


@dataclass(frozen=True)
class ReviewItem:
    question_id: str
    question: str
    answer: str
    skipped: bool
    missing: bool


def answer_text(question: Question, value: Any, lang: str) -> str:
    """An answer as the reader sees it: option texts in their language, numbers as typed."""
    if value is None:
        return ""
    if question.is_choice:
        ids = value if isinstance(value, list) else [value]
        options = [question.option(i) for i in ids]
        return ", ".join(localized(o.text, lang) for o in options if o is not None)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def review(definition: Definition, answers: Answers, lang: str) -> list[ReviewItem]:
    """What the person sees before Submit: each visible question with its answer."""
    return [
        ReviewItem(
            question_id=q.id,
            question=localized(q.text, lang),
            answer=answer_text(q, answers.get(q.id), lang),
            skipped=q.id in answers and answers[q.id] is None,
            missing=q.id not in answers or (q.required and answers[q.id] in (None, [], "")),
        )
        for q in visible_questions(definition, answers)
    ]
