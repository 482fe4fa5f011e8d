"""The poll YAML format: load, check, report every error at once with its path (pure).

```yaml
slug: day-2026-theme
question: {en: "Which theme for 2026?", fr: "Quel thème pour 2026 ?"}
options:                                # 2 to 10, in the order Telegram shows them
  - {id: inclusion, text: {en: Inclusion, fr: Inclusion}}
  - {id: climate, text: {en: Climate, fr: Climat}}
audience: city_representatives          # city_representatives | youth | everyone
networks: [spain, portugal]             # optional: only people whose city is in one of them
anonymous: false                        # default false: answers are stored per person and city
multiple_answers: false                 # default false
closes_at: 2026-11-20T23:59:00+01:00
```
The poll's languages are those of `question`; every option needs a text in each of them, so
each language's Telegram poll has the same options in the same order (option i is `options[i]`
everywhere, which is how answers merge). A reader whose language the poll lacks gets English,
else the first language given. Telegram's limits: a question of at most 300 characters, an
option of at most 100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

# Shared with consultations: identifiers, slugs, {lang: text} mappings, error paths, fallback.
from engagement.consultations.schema import Audience, Identifier, LocalizedText, Slug
from engagement.consultations.validation_problems import format_errors
from engagement.networks_check import unknown_network_errors
from engagement.polls.errors import PollDefinitionError
from engagement.problems import N_, Problem, ProblemsError, load_yaml

MIN_OPTIONS, MAX_OPTIONS = 2, 10
MAX_QUESTION = 300  # Telegram: poll question, 1-300 characters
MAX_OPTION = 100  # Telegram: poll option, 1-100 characters


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class PollOption(_Model):
    id: Identifier
    text: LocalizedText


class _Document(_Model):
    slug: Slug
    question: LocalizedText
    options: tuple[PollOption, ...]
    audience: Audience
    networks: tuple[Slug, ...] = ()
    anonymous: bool = False
    multiple_answers: bool = False
    closes_at: AwareDatetime


class PollDefinition(_Model):
    """A checked poll; `closes_at` in UTC; `languages` are the question's, in file order."""

    slug: str
    question: dict[str, str]
    options: tuple[PollOption, ...]
    audience: Audience
    closes_at: datetime
    networks: tuple[str, ...] = ()
    anonymous: bool = False
    multiple_answers: bool = False

    @property
    def languages(self) -> list[str]:
        return list(self.question)

    @property
    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]


def reader_language(languages: Iterable[str], reader: str) -> str:
    """The language of the poll a reader of `reader` gets (as `localized` chooses it)."""
    given = list(languages)
    return next(
        (lang for lang in (reader, reader.split("-")[0], "en") if lang in given),
        given[0] if given else reader,
    )


def load_poll(
    source: str, *, known_networks: Iterable[str] | None = None, now: datetime | None = None
) -> PollDefinition:
    """Parse and check a poll YAML document; PollDefinitionError lists every `path: reason`.

    `known_networks`, when given, are the slugs `networks` may name; `now`, when given, is the
    moment `closes_at` must come after."""
    try:
        data = load_yaml(source)
    except ProblemsError as exc:
        raise PollDefinitionError(exc.problems) from None
    if not isinstance(data, dict):
        raise PollDefinitionError(
            [Problem("(document)", N_("must be a mapping with slug, question, options…"))]
        )
    return check_poll(data, known_networks=known_networks, now=now)


def check_poll(
    data: Mapping[str, Any],
    *,
    known_networks: Iterable[str] | None = None,
    now: datetime | None = None,
) -> PollDefinition:
    errors: list[Problem] = []
    document: _Document | None = None
    try:
        document = _Document.model_validate(data)
    except ValidationError as exc:
        errors.extend(format_errors(exc))
    question = data.get("question")
    languages = [str(k) for k in question] if isinstance(question, dict) else []
    errors += _check_question(question)
    errors += _check_options(data.get("options"), languages)
    closes = data.get("closes_at")
    aware = isinstance(closes, datetime) and closes.utcoffset() is not None
    if now is not None and aware and isinstance(closes, datetime) and closes <= now:
        errors.append(Problem("closes_at", N_("must be in the future")))
    errors += unknown_network_errors(data.get("networks"), known_networks)
    if errors or document is None:
        raise PollDefinitionError(errors)
    return PollDefinition(
        slug=document.slug,
        question=document.question,
        options=document.options,
        audience=document.audience,
        networks=document.networks,
        anonymous=document.anonymous,
        multiple_answers=document.multiple_answers,
        closes_at=document.closes_at.astimezone(UTC),
    )


def _check_question(question: object) -> list[Problem]:
    if not isinstance(question, dict):
        return []  # missing or not a mapping: pydantic said so
    return [
        Problem(
            f"question.{lang}",
            N_("at most {limit} characters (Telegram's limit)"),
            {"limit": MAX_QUESTION},
        )
        for lang, text in question.items()
        if isinstance(text, str) and len(text.strip()) > MAX_QUESTION
    ]


def _check_options(options: object, languages: list[str]) -> list[Problem]:
    if not isinstance(options, list):
        return []
    errors: list[Problem] = []
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        errors.append(
            Problem(
                "options",
                N_("must list {low} to {high} options"),
                {"low": MIN_OPTIONS, "high": MAX_OPTIONS},
            )
        )
    seen: dict[str, int] = {}
    for index, option in enumerate(options):
        if not isinstance(option, dict):
            continue
        path = f"options[{index}]"
        option_id = option.get("id")
        if isinstance(option_id, str):
            if option_id in seen:
                first = seen[option_id]
                errors.append(
                    Problem(
                        f"{path}.id",
                        N_("duplicate option id {id} (also options[{first}])"),
                        {"id": repr(option_id), "first": first},
                    )
                )
            seen.setdefault(option_id, index)
        texts = option.get("text")
        if isinstance(texts, dict):
            errors += _check_option_texts(path, texts, languages)
    return errors


def _check_option_texts(path: str, texts: dict[Any, Any], languages: list[str]) -> list[Problem]:
    """An option's texts: one in each of the question's languages, none in another, none
    too long."""
    errors: list[Problem] = []
    for lang in languages:
        value = texts.get(lang)
        if not (isinstance(value, str) and value.strip()):
            errors.append(
                Problem(
                    f"{path}.text.{lang}",
                    N_(
                        "missing (the question is asked in {lang}, so every option needs "
                        "a text in it)"
                    ),
                    {"lang": lang},
                )
            )
    for lang, value in texts.items():
        if languages and lang not in languages:
            errors.append(
                Problem(
                    f"{path}.text.{lang}", N_("the question has no {lang} text"), {"lang": lang}
                )
            )
        elif isinstance(value, str) and len(value.strip()) > MAX_OPTION:
            errors.append(
                Problem(
                    f"{path}.text.{lang}",
                    N_("at most {limit} characters"),
                    {"limit": MAX_OPTION},
                )
            )
    return errors
