"""Load and check a consultation YAML document (shared/CONTRACT.md): report every error at once.

Each error is one line `path: reason`, e.g. `questions[2].options: missing`. Field-level checks
are pydantic's (`schema`); the checks that span fields or questions (duplicate ids, `show_if`
targets, `max_choices` range, dates in order) run on whatever parsed, so one bad question does
not hide the problems of the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from engagement.consultations.errors import DefinitionError
from engagement.consultations.schema import (
    MAX_SCALE_STEPS,
    MAX_TEXT_LENGTH,
    Definition,
    DocumentHeader,
    Question,
    QuestionType,
)
from engagement.consultations.validation_problems import format_errors
from engagement.networks_check import unknown_network_errors
from engagement.problems import N_, Problem, ProblemsError, load_yaml


def load_definition(source: str, known_networks: Iterable[str] | None = None) -> Definition:
    """Parse and check a consultation YAML document.

    Raises DefinitionError listing every problem found, one `path: reason` per line.
    `known_networks`, when given, are the network slugs that `networks` may name.
    """
    try:
        data = load_yaml(source)
    except ProblemsError as exc:
        raise DefinitionError(exc.problems) from None
    if not isinstance(data, dict):
        raise DefinitionError(
            [Problem("(document)", N_("must be a mapping with slug, title, questions…"))]
        )
    return check_definition(data, known_networks)


def check_definition(data: Mapping[str, Any], known_networks: Iterable[str] | None) -> Definition:
    """Check a document already parsed into a mapping (as `load_definition` does).

    Raises DefinitionError listing every problem found; else returns the Definition.
    """
    errors: list[Problem] = []
    header: DocumentHeader | None = None
    try:
        header = DocumentHeader.model_validate(data)
    except ValidationError as exc:
        errors.extend(format_errors(exc))
    raw_questions = data.get("questions")
    parsed: list[tuple[int, Question]] = []
    raw_ids: dict[str, int] = {}
    if isinstance(raw_questions, list):
        for index, raw in enumerate(raw_questions):
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                raw_ids.setdefault(raw["id"], index)
            try:
                question = Question.model_validate(raw)
            except ValidationError as exc:
                errors.extend(format_errors(exc, f"questions[{index}]"))
                continue
            parsed.append((index, question))
            errors.extend(_check_question(question, f"questions[{index}]"))
    errors.extend(_check_across_questions(parsed, raw_ids))
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if _out_of_order(opens, closes):
        errors.append(Problem("closes_at", N_("must be after opens_at")))
    errors += unknown_network_errors(data.get("networks"), known_networks)
    if errors or header is None:
        raise DefinitionError(errors)
    return Definition(
        slug=header.slug,
        title=header.title,
        intro=header.intro,
        audience=header.audience,
        networks=header.networks,
        one_response_per=header.one_response_per,
        opens_at=header.opens_at.astimezone(UTC),
        closes_at=header.closes_at.astimezone(UTC),
        web_layout=header.web_layout,
        questions=tuple(q for _, q in parsed),
    )


def _check_question(q: Question, path: str) -> list[Problem]:
    errors: list[Problem] = []
    only = {
        "options": N_("only for single_choice and multi_choice"),
        "max_choices": N_("only for multi_choice"),
        "min": N_("only for scale and number"),
        "max": N_("only for scale and number"),
        "max_length": N_("only for text"),
    }
    allowed = {
        QuestionType.single_choice: {"options"},
        QuestionType.multi_choice: {"options", "max_choices"},
        QuestionType.scale: {"min", "max"},
        QuestionType.number: {"min", "max"},
        QuestionType.text: {"max_length"},
    }[q.type]
    for field, reason in only.items():
        if field not in allowed and getattr(q, field) is not None:
            errors.append(Problem(f"{path}.{field}", reason))
    if q.is_choice:
        if q.options is None:
            errors.append(Problem(f"{path}.options", N_("missing")))
        elif len(q.options) < 2:
            errors.append(Problem(f"{path}.options", N_("must list at least 2 options")))
        else:
            seen: set[str] = set()
            for i, option in enumerate(q.options):
                if option.id in seen:
                    errors.append(
                        Problem(
                            f"{path}.options[{i}].id",
                            N_("duplicate option id {id}"),
                            {"id": repr(option.id)},
                        )
                    )
                seen.add(option.id)
            if q.max_choices is not None and not 1 <= q.max_choices <= len(q.options):
                errors.append(
                    Problem(
                        f"{path}.max_choices",
                        N_("must be between {low} and {high} (the number of options)"),
                        {"low": 1, "high": len(q.options)},
                    )
                )
    if q.type == QuestionType.scale:
        errors.extend(_check_scale(q, path))
    if q.type == QuestionType.number and None not in (q.min, q.max):
        assert q.min is not None and q.max is not None
        if q.min > q.max:
            errors.append(Problem(f"{path}.max", N_("must not be less than min")))
    if q.max_length is not None and not 1 <= q.max_length <= MAX_TEXT_LENGTH:
        errors.append(
            Problem(
                f"{path}.max_length",
                N_("must be between {low} and {high}"),
                {"low": 1, "high": MAX_TEXT_LENGTH},
            )
        )
    return errors


def _check_scale(q: Question, path: str) -> list[Problem]:
    errors = [
        Problem(f"{path}.{field}", N_("missing"))
        for field in ("min", "max")
        if getattr(q, field) is None
    ]
    errors += [
        Problem(f"{path}.{field}", N_("must be a whole number"))
        for field in ("min", "max")
        if getattr(q, field) is not None and not float(getattr(q, field)).is_integer()
    ]
    if not errors:
        assert q.min is not None and q.max is not None
        steps = int(q.max) - int(q.min) + 1
        if not 2 <= steps <= MAX_SCALE_STEPS:
            errors.append(
                Problem(
                    f"{path}.max",
                    N_("must be 1 to {most} more than min"),
                    {"most": MAX_SCALE_STEPS - 1},
                )
            )
    return errors


def _out_of_order(opens: object, closes: object) -> bool:
    """Both are aware datetimes (else reported elsewhere) and closing is not after opening."""
    if not (isinstance(opens, datetime) and isinstance(closes, datetime)):
        return False
    if opens.utcoffset() is None or closes.utcoffset() is None:
        return False
    return closes <= opens


def _check_across_questions(
    parsed: Sequence[tuple[int, Question]], raw_ids: Mapping[str, int]
) -> list[Problem]:
    errors: list[Problem] = []
    first_index: dict[str, int] = {}
    for index, q in parsed:
        if q.id in first_index:
            errors.append(
                Problem(
                    f"questions[{index}].id",
                    N_("duplicate question id {id} (also questions[{first}])"),
                    {"id": repr(q.id), "first": first_index[q.id]},
                )
            )
        else:
            first_index[q.id] = index
    by_id = {q.id: (i, q) for i, q in reversed(parsed)}
    for index, q in parsed:
        if q.show_if is None:
            continue
        path = f"questions[{index}].show_if"
        target_id = repr(q.show_if.question)
        target_index = raw_ids.get(q.show_if.question)
        if target_index is None:
            errors.append(
                Problem(f"{path}.question", N_("unknown question {id}"), {"id": target_id})
            )
        elif target_index >= index:
            errors.append(
                Problem(
                    f"{path}.question",
                    N_("must refer to an earlier question ({id} is questions[{index}])"),
                    {"id": target_id, "index": target_index},
                )
            )
        elif (target := by_id.get(q.show_if.question)) is None:
            continue  # the target is invalid itself and already reported
        elif not (target_q := target[1]).is_choice:
            errors.append(
                Problem(f"{path}.question", N_("{id} is not a choice question"), {"id": target_id})
            )
        elif target_q.options is not None:  # missing options are reported already
            for i, value in enumerate(q.show_if.in_):
                if value not in target_q.option_ids:
                    errors.append(
                        Problem(
                            f"{path}.in[{i}]",
                            N_("{value} is not an option of {id}"),
                            {"value": repr(value), "id": target_id},
                        )
                    )
    return errors
