"""The café YAML format (`aive cafes create FILE.yaml`): load, check, report every error at once.

```yaml
slug: cafe-school-streets                  # re-creating with the same slug updates the café
title: {en: "School streets", es: "Caminos escolares"}
description: {en: "…", es: "…"}            # optional
language: es                               # language of the conversation
starts_at: 2026-11-18T17:00                # local time in `timezone` (or with an offset)
timezone: Europe/Madrid
duration_minutes: 60
capacity: 30
call_url: https://meet.example.org/school-streets
audience: everyone                         # everyone | city_representatives | youth | staff
networks: [spain, latin-america]           # optional: only people of cities in these networks
speakers:
  - {name: Ana Ruiz, gender: woman, country: ES}   # gender and country optional, self-declared
evaluation: evaluation.yaml                # optional: a consultation file, or the mapping inline
```
Each error is one line `path: reason`, e.g. `speakers[1].country: must be …`. The evaluation is
a consultation (shared/CONTRACT.md) whose audience, one_response_per and dates the café sets:
attendees only, one response per person, open from the café's end for `evaluation_days` (14).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.engagement.consultations.errors import DefinitionError
from bot.engagement.consultations.schema import LANG_PATTERN, SLUG_PATTERN, check_definition
from bot.engagement.networks_check import unknown_network_errors
from bot.engagement.problems import N_, Problem

AUDIENCES = ("everyone", "city_representatives", "youth", "staff")
FIELDS = {
    "slug",
    "title",
    "description",
    "language",
    "starts_at",
    "timezone",
    "duration_minutes",
    "capacity",
    "call_url",
    "audience",
    "networks",
    "speakers",
    "evaluation",
    "evaluation_days",
}
REQUIRED: tuple[str, ...] = ("slug", "title", "language", "starts_at", "timezone")
REQUIRED += ("duration_minutes", "capacity", "call_url", "audience")
SET_BY_CAFE = ("opens_at", "closes_at")
COUNTRY = re.compile(r"^[A-Z]{2}$")
MAX_CAPACITY = 10_000
MAX_DURATION = 24 * 60


class CafeDefinitionError(DefinitionError):
    """A café file is invalid: `problems`, and `errors` with one `path: reason` line per
    problem."""


@dataclass(frozen=True)
class Speaker:
    name: str
    gender: str | None = None  # self-declared, free words; None: not stated
    country: str | None = None  # ISO 3166-1 alpha-2

    def to_json(self) -> dict[str, str]:
        found = {"name": self.name, "gender": self.gender, "country": self.country}
        return {k: v for k, v in found.items() if v}


@dataclass(frozen=True)
class CafeDefinition:
    slug: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    language: str
    starts_at: datetime  # UTC
    timezone: str
    duration_minutes: int
    capacity: int
    call_url: str
    audience: str
    networks: tuple[str, ...]
    speakers: tuple[Speaker, ...]
    evaluation: dict[str, Any] | None  # a consultation document, without its dates
    evaluation_days: int = 14

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


def evaluation_document(
    evaluation: Mapping[str, Any], starts_at: datetime, duration_minutes: int, days: int
) -> dict[str, Any]:
    """The evaluation consultation for a café at this time: open from its end for `days`."""
    ends = starts_at + timedelta(minutes=duration_minutes)
    return {
        **evaluation,
        "opens_at": ends,
        "closes_at": ends + timedelta(days=days),
    }


def load_cafe(
    source: str, base_dir: Path | None, known_networks: Iterable[str] | None = None
) -> CafeDefinition:
    """Parse and check a café YAML document; CafeDefinitionError lists every problem.

    `base_dir` is where a relative `evaluation: file.yaml` is looked for; None (a file sent
    in chat) allows only an inline evaluation.
    """
    data = _yaml(source, "yaml")
    if not isinstance(data, dict):
        raise CafeDefinitionError(
            [Problem("(document)", N_("must be a mapping with slug, title, starts_at…"))]
        )
    return check_cafe(data, base_dir, known_networks)


def _yaml(source: str, where: str) -> Any:
    try:
        return yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "document"
        problem = getattr(exc, "problem", None) or str(exc)
        raise CafeDefinitionError(
            [Problem(f"{where}: {at}", N_("{problem}"), {"problem": problem})]
        ) from None


def check_cafe(
    data: Mapping[str, Any], base_dir: Path | None, known_networks: Iterable[str] | None = None
) -> CafeDefinition:
    errors: list[Problem] = []
    errors += [Problem(str(key), N_("unknown field")) for key in data if key not in FIELDS]
    errors += [Problem(key, N_("missing")) for key in REQUIRED if data.get(key) is None]
    slug = _text(
        data,
        "slug",
        errors,
        pattern=SLUG_PATTERN,
        invalid=N_("{value} is not valid (lowercase letters, digits, -)"),
    )
    titles = _localized(data.get("title"), "title", errors)
    descriptions = _localized(data.get("description"), "description", errors, optional=True)
    language = _text(
        data,
        "language",
        errors,
        pattern=LANG_PATTERN,
        invalid=N_("{value} is not valid (a code such as es)"),
    )
    timezone = _timezone(data.get("timezone"), errors)
    starts_at = _start(data.get("starts_at"), timezone, errors)
    duration = _whole(data.get("duration_minutes"), "duration_minutes", 5, MAX_DURATION, errors)
    capacity = _whole(data.get("capacity"), "capacity", 1, MAX_CAPACITY, errors)
    call_url = _text(data, "call_url", errors)
    if call_url and not call_url.startswith("https://"):
        errors.append(Problem("call_url", N_("must start with https://")))
    audience = data.get("audience")
    if audience is not None and audience not in AUDIENCES:
        errors.append(
            Problem("audience", N_("must be one of {choices}"), {"choices": ", ".join(AUDIENCES)})
        )
    networks = _networks(data.get("networks"), known_networks, errors)
    speakers = _speakers(data.get("speakers"), errors)
    days = _whole(data.get("evaluation_days", 14), "evaluation_days", 1, 90, errors)
    evaluation = _evaluation(data.get("evaluation"), base_dir, known_networks, errors)
    if evaluation is not None and not errors:
        assert starts_at and duration and days and titles
        evaluation.setdefault("slug", f"{slug}-evaluation"[:63])
        evaluation.setdefault("title", titles)
        document = evaluation_document(evaluation, starts_at, duration, days)
        try:
            check_definition(document, known_networks)
        except DefinitionError as exc:
            errors += [_in_evaluation(problem) for problem in exc.problems]
    if errors:
        raise CafeDefinitionError(errors)
    assert slug and titles and language and timezone and starts_at and duration and capacity
    return CafeDefinition(
        slug=slug,
        titles=titles,
        descriptions=descriptions or {},
        language=language,
        starts_at=starts_at,
        timezone=timezone,
        duration_minutes=duration,
        capacity=capacity,
        call_url=str(call_url),
        audience=str(audience),
        networks=networks,
        speakers=speakers,
        evaluation=evaluation,
        evaluation_days=days or 14,
    )


def _in_evaluation(problem: Problem) -> Problem:
    """A problem of the evaluation consultation, with its path inside the café file."""
    if problem.path:
        return replace(problem, path=f"evaluation.{problem.path}")
    return Problem.plain(f"evaluation.{problem}")


def _text(
    data: Mapping[str, Any],
    key: str,
    errors: list[Problem],
    *,
    pattern: re.Pattern[str] | None = None,
    invalid: str = "",
) -> str | None:
    """The text at `key`; `invalid` (an N_ template of `{value}`) when it fails `pattern`."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        errors.append(Problem(key, N_("must be text")))
        return None
    if pattern is not None and not pattern.match(value):
        errors.append(Problem(key, invalid, {"value": repr(value)}))
        return None
    return value.strip()


def _localized(
    value: Any, path: str, errors: list[Problem], *, optional: bool = False
) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        errors.append(
            Problem(path, N_("must be a mapping of language to text, e.g. {{en: …, es: …}}"))
        )
        return None
    found: dict[str, str] = {}
    before = len(errors)
    for lang, text in value.items():
        if not isinstance(lang, str) or not LANG_PATTERN.match(lang):
            errors.append(
                Problem(f"{path}.{lang}", N_("not a language code such as en, fr, pt-BR"))
            )
        elif not isinstance(text, str):
            errors.append(Problem(f"{path}.{lang}", N_("must be text")))
        elif text.strip():
            found[lang] = text.strip()
    if not found and not optional and len(errors) == before:
        errors.append(Problem(path, N_("must give a text in at least one language")))
    return found


def _timezone(value: Any, errors: list[Problem]) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(
            Problem(
                "timezone",
                N_("unknown timezone {value} (e.g. Europe/Madrid)"),
                {"value": repr(value)},
            )
        )
        return None
    return str(value)


def _start(value: Any, timezone: str | None, errors: list[Problem]) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        errors.append(Problem("starts_at", N_("must be a date and time such as 2026-11-18T17:00")))
        return None
    if value.tzinfo is None:
        if timezone is None:
            return None  # the timezone error says it all
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return value.astimezone(UTC)


def _whole(value: Any, path: str, low: int, high: int, errors: list[Problem]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(Problem(path, N_("must be a whole number")))
        return None
    if not low <= value <= high:
        errors.append(
            Problem(path, N_("must be between {low} and {high}"), {"low": low, "high": high})
        )
        return None
    return value


def _networks(value: Any, known: Iterable[str] | None, errors: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.append(Problem("networks", N_("must be a list of network slugs")))
        return ()
    for i, slug in enumerate(value):
        if not isinstance(slug, str):
            errors.append(Problem(f"networks[{i}]", N_("must be a network slug")))
    errors += unknown_network_errors(value, known)
    return tuple(str(s) for s in value)


def _speakers(value: Any, errors: list[Problem]) -> tuple[Speaker, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.append(Problem("speakers", N_("must be a list of {{name, gender, country}}")))
        return ()
    found: list[Speaker] = []
    for i, raw in enumerate(value):
        path = f"speakers[{i}]"
        if not isinstance(raw, dict):
            errors.append(
                Problem(path, N_("must be a mapping with name (gender, country optional)"))
            )
            continue
        errors += [
            Problem(f"{path}.{k}", N_("unknown field"))
            for k in raw
            if k not in ("name", "gender", "country")
        ]
        name, gender, country = raw.get("name"), raw.get("gender"), raw.get("country")
        if not isinstance(name, str) or not name.strip():
            errors.append(Problem(f"{path}.name", N_("missing")))
            continue
        if gender is not None and (not isinstance(gender, str) or len(gender) > 40):
            errors.append(Problem(f"{path}.gender", N_("must be text of at most 40 characters")))
            continue
        if country is not None and (not isinstance(country, str) or not COUNTRY.match(country)):
            errors.append(
                Problem(f"{path}.country", N_("must be an ISO 3166-1 alpha-2 code such as ES"))
            )
            continue
        clean_gender = gender.strip().lower() if gender and gender.strip() else None
        found.append(Speaker(name.strip(), clean_gender, country))
    return tuple(found)


def _evaluation(
    value: Any, base_dir: Path | None, known: Iterable[str] | None, errors: list[Problem]
) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        if base_dir is None:
            errors.append(
                Problem(
                    "evaluation",
                    N_("write it inline here; a file name works with aive cafes create"),
                )
            )
            return None
        path = base_dir / value
        try:
            value = _yaml(path.read_text(encoding="utf-8"), f"evaluation ({value})")
        except OSError:
            errors.append(Problem("evaluation", N_("cannot read {file}"), {"file": value}))
            return None
        except CafeDefinitionError as exc:
            errors.extend(exc.problems)
            return None
    if not isinstance(value, dict):
        errors.append(
            Problem(
                "evaluation",
                N_("must be a consultation file name or an inline consultation"),
            )
        )
        return None
    document = dict(value)
    for key in SET_BY_CAFE:
        if key in document:
            errors.append(
                Problem(f"evaluation.{key}", N_("set by the café (its end); leave it out"))
            )
    for key, only in (("audience", "invited"), ("one_response_per", "person")):
        if document.setdefault(key, only) != only:
            errors.append(
                Problem(
                    f"evaluation.{key}",
                    N_("must be {value} (only attendees answer), or left out"),
                    {"value": only},
                )
            )
    return document
