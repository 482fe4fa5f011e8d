"""The consultation YAML format (shared/CONTRACT.md): load, check, report every error at once.

Each error is one line `path: reason`, e.g. `questions[2].options: missing`. Field-level checks
are pydantic's; the checks that span fields or questions (duplicate ids, `show_if` targets,
`max_choices` range, dates in order) run on whatever parsed, so one bad question does not hide
the problems of the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
)

from bot.engagement.consultations.errors import DefinitionError
from bot.engagement.networks_check import unknown_network_errors
from bot.engagement.problems import N_, Problem

ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
LANG_PATTERN = re.compile(r"^[a-z]{2}(-[A-Za-z]{2,4})?$")
MAX_SCALE_STEPS = 11  # one inline button per step: 0..10 at most
MAX_TEXT_LENGTH = 4000  # a Telegram message holds 4,096 characters
DEFAULT_TEXT_LENGTH = 1000


class QuestionType(StrEnum):
    single_choice = "single_choice"
    multi_choice = "multi_choice"
    scale = "scale"
    text = "text"
    number = "number"


CHOICE_TYPES = frozenset({QuestionType.single_choice, QuestionType.multi_choice})


class Audience(StrEnum):
    city_representatives = "city_representatives"
    youth = "youth"
    everyone = "everyone"
    invited = "invited"  # only people invited one by one (a café's attendees)


class OneResponsePer(StrEnum):
    city = "city"
    person = "person"


class _Invalid(ValueError):
    """A validator's reason: an N_-marked template and its values (`_format` makes it a
    Problem, so the bot can translate it)."""

    def __init__(self, reason: str, values: Mapping[str, object] | None = None) -> None:
        self.reason = reason
        self.values = dict(values or {})
        super().__init__(reason.format(**self.values))


def _identifier(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise _Invalid(N_("must be 1 to 32 letters, digits, - or _"))
    return value


def _slug(value: str) -> str:
    if not SLUG_PATTERN.match(value):
        raise _Invalid(N_("must be lowercase letters, digits and -, at most 63, e.g. day-2026"))
    return value


def _localized(value: dict[str, str]) -> dict[str, str]:
    bad = [lang for lang in value if not LANG_PATTERN.match(lang)]
    if bad:
        raise _Invalid(
            N_("{lang} is not a language code such as en, fr, pt-BR"), {"lang": repr(bad[0])}
        )
    given = {lang: text.strip() for lang, text in value.items() if text.strip()}
    if not given:
        raise _Invalid(N_("must give a text in at least one language (en, fr, es, pt, ca)"))
    return given


Identifier = Annotated[str, AfterValidator(_identifier)]
Slug = Annotated[str, AfterValidator(_slug)]
LocalizedText = Annotated[dict[str, str], AfterValidator(_localized)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Option(_Model):
    id: Identifier
    text: LocalizedText


class ShowIf(_Model):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    question: Identifier
    in_: tuple[Identifier, ...] = Field(alias="in", min_length=1)


class Question(_Model):
    id: Identifier
    type: QuestionType
    text: LocalizedText
    required: bool = True
    options: tuple[Option, ...] | None = None
    max_choices: int | None = None
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    show_if: ShowIf | None = None

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options or ())

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options or () if o.id == option_id), None)

    @property
    def choice_limit(self) -> int:
        """How many options a multi-choice answer may hold."""
        return self.max_choices or len(self.options or ())

    @property
    def text_limit(self) -> int:
        return self.max_length or DEFAULT_TEXT_LENGTH


class _Header(_Model):
    slug: Slug
    title: LocalizedText
    intro: LocalizedText | None = None
    audience: Audience
    networks: tuple[Slug, ...] = ()
    one_response_per: OneResponsePer
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    questions: list[Any] = Field(min_length=1)


class Definition(_Model):
    """A checked consultation: datetimes in UTC, question ids unique, `show_if` backwards."""

    slug: str
    title: dict[str, str]
    intro: dict[str, str] | None = None
    audience: Audience
    networks: tuple[str, ...] = ()
    one_response_per: OneResponsePer
    opens_at: datetime
    closes_at: datetime
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict that `from_json` reads back (stored with the consultation)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Definition:
        return cls.model_validate(data)


def localized(texts: Mapping[str, str] | None, lang: str) -> str:
    """The text in `lang` (or its base language), else English, else the first one given."""
    if not texts:
        return ""
    for candidate in (lang, lang.split("-")[0], "en"):
        if texts.get(candidate):
            return texts[candidate]
    return next(iter(texts.values()))


def load_definition(source: str, known_networks: Iterable[str] | None = None) -> Definition:
    """Parse and check a consultation YAML document.

    Raises DefinitionError listing every problem found, one `path: reason` per line.
    `known_networks`, when given, are the network slugs that `networks` may name.
    """
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "document"
        problem = getattr(exc, "problem", None) or str(exc)
        raise DefinitionError(
            [Problem(f"yaml: {where}", N_("{problem}"), {"problem": problem})]
        ) from None
    if not isinstance(data, dict):
        raise DefinitionError(
            [Problem("(document)", N_("must be a mapping with slug, title, questions…"))]
        )
    return check_definition(data, known_networks)


def check_definition(data: Mapping[str, Any], known_networks: Iterable[str] | None) -> Definition:
    errors: list[Problem] = []
    header: _Header | None = None
    try:
        header = _Header.model_validate(data)
    except ValidationError as exc:
        errors.extend(_format(exc))
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
                errors.extend(_format(exc, f"questions[{index}]"))
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


_DATETIME = N_("must be a date and time such as 2026-11-01T09:00:00+01:00")
_MESSAGES = {  # pydantic's error types, in our words (N_-marked templates)
    "missing": N_("missing"),
    "extra_forbidden": N_("unknown field"),
    "timezone_aware": N_("must include a UTC offset, e.g. 2026-11-01T09:00:00+01:00"),
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_type": N_("must be a number"),
    "float_parsing": N_("must be a number"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "string_type": N_("must be text"),
    "dict_type": N_("must be a mapping"),
    "model_type": N_("must be a mapping"),
    "model_attributes_type": N_("must be a mapping"),
    "list_type": N_("must be a list"),
    "tuple_type": N_("must be a list"),
    "too_short": N_("must not be empty"),
}


def _format(exc: ValidationError, prefix: str = "") -> list[Problem]:
    """pydantic's errors as problems; a message of pydantic we have no words for stays
    English (plain text, not translated)."""
    problems: list[Problem] = []
    for error in exc.errors():
        path = prefix
        for part in error["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            elif not str(part).startswith(("function-after", "constrained")):
                path += f".{part}" if path else str(part)
        path = path or "(document)"
        kind, context = error["type"], error.get("ctx", {})
        if kind == "enum":
            expected = str(context.get("expected", "")).replace("'", "").replace(" or ", ", ")
            problems.append(Problem(path, N_("must be one of {choices}"), {"choices": expected}))
        elif kind == "value_error" and isinstance(invalid := context.get("error"), _Invalid):
            problems.append(Problem(path, invalid.reason, invalid.values))
        elif kind == "value_error":
            problems.append(Problem(path, str(error["msg"]).removeprefix("Value error, "), None))
        elif kind in _MESSAGES:
            problems.append(Problem(path, _MESSAGES[kind]))
        else:
            problems.append(Problem(path, str(error["msg"]), None))
    return problems
