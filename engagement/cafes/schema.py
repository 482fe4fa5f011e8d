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
The checked café is in `definition`, the check of each field in `field_checks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from engagement.cafes.definition import CafeDefinition, CafeDefinitionError, evaluation_document
from engagement.cafes.field_checks import (
    check_evaluation,
    check_localized,
    check_networks,
    check_speakers,
    check_start,
    check_text,
    check_timezone,
    check_whole,
    parse_yaml,
)
from engagement.consultations.definition_check import check_definition
from engagement.consultations.errors import DefinitionError
from engagement.consultations.schema import LANG_PATTERN, SLUG_PATTERN
from engagement.problems import N_, Problem

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
MAX_CAPACITY = 10_000
MAX_DURATION = 24 * 60


def load_cafe(
    source: str, base_dir: Path | None, known_networks: Iterable[str] | None = None
) -> CafeDefinition:
    """Parse and check a café YAML document; CafeDefinitionError lists every problem.

    `base_dir` is where a relative `evaluation: file.yaml` is looked for; None (a file sent
    in chat) allows only an inline evaluation.
    """
    data = parse_yaml(source, "yaml")
    if not isinstance(data, dict):
        raise CafeDefinitionError(
            [Problem("(document)", N_("must be a mapping with slug, title, starts_at…"))]
        )
    return check_cafe(data, base_dir, known_networks)


def check_cafe(
    data: Mapping[str, Any], base_dir: Path | None, known_networks: Iterable[str] | None = None
) -> CafeDefinition:
    """Check a parsed café document; CafeDefinitionError lists every problem."""
    errors: list[Problem] = []
    errors += [Problem(str(key), N_("unknown field")) for key in data if key not in FIELDS]
    errors += [Problem(key, N_("missing")) for key in REQUIRED if data.get(key) is None]
    slug = check_text(
        data,
        "slug",
        errors,
        pattern=SLUG_PATTERN,
        invalid=N_("{value} is not valid (lowercase letters, digits, -)"),
    )
    titles = check_localized(data.get("title"), "title", errors)
    descriptions = check_localized(data.get("description"), "description", errors, optional=True)
    language = check_text(
        data,
        "language",
        errors,
        pattern=LANG_PATTERN,
        invalid=N_("{value} is not valid (a code such as es)"),
    )
    timezone = check_timezone(data.get("timezone"), errors)
    starts_at = check_start(data.get("starts_at"), timezone, errors)
    duration = check_whole(
        data.get("duration_minutes"), "duration_minutes", 5, MAX_DURATION, errors
    )
    capacity = check_whole(data.get("capacity"), "capacity", 1, MAX_CAPACITY, errors)
    call_url, audience = _check_call(data, errors)
    networks = check_networks(data.get("networks"), known_networks, errors)
    speakers = check_speakers(data.get("speakers"), errors)
    days = check_whole(data.get("evaluation_days", 14), "evaluation_days", 1, 90, errors)
    evaluation = check_evaluation(data.get("evaluation"), base_dir, known_networks, errors)
    if evaluation is not None and not errors:
        assert starts_at and duration and days and titles
        evaluation.setdefault("slug", f"{slug}-evaluation"[:63])
        evaluation.setdefault("title", titles)
        document = evaluation_document(evaluation, starts_at, duration, days)
        errors += _evaluation_problems(document, known_networks)
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


def _check_call(data: Mapping[str, Any], errors: list[Problem]) -> tuple[str | None, object]:
    """The call's https address and the café's audience, problems added to `errors`."""
    call_url = check_text(data, "call_url", errors)
    if call_url and not call_url.startswith("https://"):
        errors.append(Problem("call_url", N_("must start with https://")))
    audience = data.get("audience")
    if audience is not None and audience not in AUDIENCES:
        errors.append(
            Problem("audience", N_("must be one of {choices}"), {"choices": ", ".join(AUDIENCES)})
        )
    return call_url, audience


def _evaluation_problems(
    document: Mapping[str, Any], known_networks: Iterable[str] | None
) -> list[Problem]:
    """The evaluation consultation's problems, with their paths inside the café file."""
    try:
        check_definition(document, known_networks)
    except DefinitionError as exc:
        return [_in_evaluation(problem) for problem in exc.problems]
    return []


def _in_evaluation(problem: Problem) -> Problem:
    """A problem of the evaluation consultation, with its path inside the café file."""
    if problem.path:
        return replace(problem, path=f"evaluation.{problem.path}")
    return Problem.plain(f"evaluation.{problem}")
