"""A checked café (`CafeDefinition` with its `Speaker`s), the error that lists every problem of a
café file, and the dates of the café's evaluation consultation (open from the café's end)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from engagement.consultations.errors import DefinitionError


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
