"""The consultation YAML format (shared/CONTRACT.md) as a model: its field types, questions and
the checked `Definition`, and `localized` to pick a text in a reader's language.

Field-level checks are the validators here (pydantic's); `definition_check` loads a document and
adds the checks that span fields or questions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from engagement.consultations.validation_problems import InvalidValue
from engagement.problems import N_

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


class WebLayout(StrEnum):
    """How the web form shows the questions: one page per question, or all on one page."""

    steps = "steps"
    single = "single"


class OneResponsePer(StrEnum):
    city = "city"
    person = "person"


def _identifier(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise InvalidValue(N_("must be 1 to 32 letters, digits, - or _"))
    return value


def _slug(value: str) -> str:
    if not SLUG_PATTERN.match(value):
        raise InvalidValue(N_("must be lowercase letters, digits and -, at most 63, e.g. day-2026"))
    return value


def _localized(value: dict[str, str]) -> dict[str, str]:
    bad = [lang for lang in value if not LANG_PATTERN.match(lang)]
    if bad:
        raise InvalidValue(
            N_("{lang} is not a language code such as en, fr, pt-BR"), {"lang": repr(bad[0])}
        )
    given = {lang: text.strip() for lang, text in value.items() if text.strip()}
    if not given:
        raise InvalidValue(N_("must give a text in at least one language (en, fr, es, pt, ca)"))
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


class DocumentHeader(_Model):
    """The top-level fields as written, checked apart from the questions (`definition_check`
    checks each question on its own, so one bad question does not hide the others' problems)."""

    slug: Slug
    title: LocalizedText
    intro: LocalizedText | None = None
    audience: Audience
    networks: tuple[Slug, ...] = ()
    one_response_per: OneResponsePer
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    web_layout: WebLayout = WebLayout.steps
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
    web_layout: WebLayout = WebLayout.steps
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
