"""Checks of the café file, one field at a time: each returns the field's clean value (None or
empty when missing or invalid) and adds a `Problem` (a path and an N_-marked reason) to the
caller's `errors` for each thing wrong, so that `check_cafe` can report every error at once.
`parse_yaml` turns a YAML syntax error (in the café file, or in the evaluation file it names)
into a `CafeDefinitionError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engagement.cafes.definition import CafeDefinitionError, Speaker
from engagement.consultations.schema import LANG_PATTERN
from engagement.networks_check import unknown_network_errors
from engagement.problems import N_, Problem, ProblemsError, load_yaml
from engagement.staff_files import MAX_BYTES, StaffFileError, read_beside

SET_BY_CAFE = ("opens_at", "closes_at")
COUNTRY = re.compile(r"^[A-Z]{2}$")


def parse_yaml(source: str, where: str) -> Any:
    """The YAML document in `source`; CafeDefinitionError (at `where`, with line and column)
    when it does not parse."""
    try:
        return load_yaml(source, where)
    except ProblemsError as exc:
        raise CafeDefinitionError(exc.problems) from None


def check_text(
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


def check_localized(
    value: Any, path: str, errors: list[Problem], *, optional: bool = False
) -> dict[str, str] | None:
    """Texts by language code; unless `optional`, at least one text must be given."""
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


def check_timezone(value: Any, errors: list[Problem]) -> str | None:
    """An IANA timezone name such as Europe/Madrid."""
    if value is None:
        return None
    if not isinstance(value, str):
        errors.append(Problem("timezone", N_("must be a timezone name such as Europe/Madrid")))
        return None
    try:
        ZoneInfo(value)
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


def check_start(value: Any, timezone: str | None, errors: list[Problem]) -> datetime | None:
    """The start in UTC; a time without offset is local to `timezone`."""
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


def check_whole(value: Any, path: str, low: int, high: int, errors: list[Problem]) -> int | None:
    """A whole number from `low` to `high`."""
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


def check_networks(
    value: Any, known: Iterable[str] | None, errors: list[Problem]
) -> tuple[str, ...]:
    """Network slugs, each one of `known` (when given)."""
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


def check_speakers(value: Any, errors: list[Problem]) -> tuple[Speaker, ...]:
    """Speakers with a name, and optionally a self-declared gender and an ISO country code."""
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


def check_evaluation(
    value: Any, base_dir: Path | None, known: Iterable[str] | None, errors: list[Problem]
) -> dict[str, Any] | None:
    """The evaluation consultation, inline or read from a file under `base_dir`, for the
    café's attendees; the café sets its dates, so they must be left out."""
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
        try:
            value = parse_yaml(read_beside(base_dir, value), f"evaluation ({value})")
        except StaffFileError as exc:
            limit = MAX_BYTES // 1024
            errors.append(Problem("evaluation", exc.reason, {"file": value, "limit": limit}))
            return None
        except (OSError, UnicodeDecodeError):
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
