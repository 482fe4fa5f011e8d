"""Plain values in and out of edition composition: no database, no I/O.

The wiring reads rows from storage, turns them into these dataclasses, calls
`editions.compose.compose_edition`, stores `ComposedEdition.to_content()` in `Edition.content`
and hands the `ComposedEdition` to `editions.render.render_edition`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


class CompositionError(ValueError):
    """The inputs of a composition are inconsistent (e.g. a naive datetime, an empty period)."""


def require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise CompositionError(f"{what} must be an aware datetime (UTC), got {value!r}")


def is_other_language(code: str, edition_language: str) -> bool:
    """True when `code` names a language other than the edition's; unknown ("", "und") too."""
    return base_language(code) != base_language(edition_language)


def base_language(code: str) -> str:
    """`pt-BR` → `pt`, `FR` → `fr`; empty or unknown stays as given (lower-cased)."""
    return code.strip().lower().replace("_", "-").split("-", 1)[0]


@dataclass(frozen=True, slots=True)
class CandidateItem:
    """A feed item that may go into an edition."""

    id: int
    title: str
    url: str
    published_at: datetime  # aware UTC
    language: str  # ISO 639-1, or "und"
    summary_text: str = ""
    summary_html: str = ""  # sanitized by the feed parser; kept for the web archive
    image_url: str | None = None
    image_alt: str = ""
    source_name: str = ""
    source_priority: int = 0  # higher ranks first; 0 is an ordinary source
    city: str = ""
    country: str = ""  # ISO 3166-1 alpha-2
    networks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # e.g. "mayor", "youth", "event"
    event_date: date | None = None  # the day the announced event happens, if any


@dataclass(frozen=True, slots=True)
class UpcomingCafe:
    """An educating café announced in the agenda."""

    id: int
    title: str
    starts_at: datetime  # aware UTC
    url: str
    city: str = ""
    country: str = ""
    language: str = ""


@dataclass(frozen=True, slots=True)
class OpenConsultation:
    id: int
    title: str  # already in the edition's language (with the contract's fallback)
    closes_at: datetime  # aware UTC
    url: str  # where to take part (e.g. the bot deep link)


@dataclass(frozen=True, slots=True)
class YouthSubmission:
    """An approved contribution of a young person, quoted in "Youth voice"."""

    id: int
    text: str
    author: str  # display name as approved (e.g. a first name)
    city: str = ""
    country: str = ""
    language: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Period:
    """Items published in [start, end) belong to the period."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require_aware(self.start, "period start")
        require_aware(self.end, "period end")
        if self.end <= self.start:
            raise CompositionError(f"period ends ({self.end}) before it starts ({self.start})")

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class ComposeOptions:
    target_count: int = 20  # items (news + agenda items + mayors' voice) in an edition
    minimum_count: int = 8  # fill with other languages only up to this many
    max_per_city: int = 2  # hard cap; pinned items count but are never dropped
    # Ranking: each point of source priority is worth this many days of recency.
    priority_weight_days: float = 2.0
    # Diversity: an item loses this many days of ranking for every item already chosen from its
    # country, and for every item already chosen in its least-represented series network.
    country_penalty_days: float = 7.0
    network_penalty_days: float = 2.0
    youth_limit: int = 3

    def __post_init__(self) -> None:
        for name in ("target_count", "minimum_count", "max_per_city", "youth_limit"):
            if getattr(self, name) < 0:
                raise CompositionError(f"{name} must not be negative")
        if self.minimum_count > self.target_count:
            raise CompositionError("minimum_count must not exceed target_count")


@dataclass(frozen=True, slots=True)
class StaffEdits:
    pinned: tuple[int, ...] = ()  # always in, first, in this order
    excluded: frozenset[int] = frozenset()  # never in (wins over a pin)
    order: tuple[int, ...] = ()  # manual order of chosen items, after the pins
    editorial: str | None = None


class SectionKind(enum.StrEnum):
    editorial = "editorial"
    news = "news"
    agenda = "agenda"
    youth = "youth"
    consultations = "consultations"
    mayors = "mayors"


SECTION_ORDER: tuple[SectionKind, ...] = tuple(SectionKind)


@dataclass(frozen=True, slots=True)
class PlacedItem:
    """An item as placed in the edition."""

    item: CandidateItem
    other_language: bool  # shown with a language badge
    pinned: bool = False


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    """One date in the agenda: an announced event (from an item) or a café."""

    when: date | datetime  # a date for item events, an aware datetime for cafés
    title: str
    url: str
    city: str
    country: str
    language: str
    other_language: bool
    item_id: int | None = None
    cafe_id: int | None = None

    @property
    def day(self) -> date:
        return self.when.date() if isinstance(self.when, datetime) else self.when


@dataclass(frozen=True, slots=True)
class Section:
    kind: SectionKind
    items: tuple[PlacedItem, ...] = ()  # news, mayors
    agenda: tuple[AgendaEntry, ...] = ()
    youth: tuple[YouthSubmission, ...] = ()
    consultations: tuple[OpenConsultation, ...] = ()
    text: str = ""  # editorial


@dataclass(frozen=True, slots=True)
class Spread:
    """How the chosen items spread; each mapping is sorted by count, then name."""

    countries: Mapping[str, int]
    cities: Mapping[str, int]  # "City (CC)"
    networks: Mapping[str, int]
    languages: Mapping[str, int]
    total: int
    other_language: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "other_language": self.other_language,
            "countries": dict(self.countries),
            "cities": dict(self.cities),
            "networks": dict(self.networks),
            "languages": dict(self.languages),
        }


@dataclass(frozen=True, slots=True)
class ComposedEdition:
    language: str
    period: Period
    edition_date: datetime
    sections: tuple[Section, ...]
    spread: Spread
    edits: StaffEdits = field(default_factory=StaffEdits)

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind is kind), None)

    @property
    def kinds(self) -> tuple[SectionKind, ...]:
        return tuple(s.kind for s in self.sections)

    def item_ids(self) -> list[int]:
        """Every feed item in the edition, in reading order."""
        ids: list[int] = []
        for section in self.sections:
            ids.extend(placed.item.id for placed in section.items)
            ids.extend(e.item_id for e in section.agenda if e.item_id is not None)
        return ids

    def to_content(self) -> dict[str, Any]:
        """A JSON-able summary for `Edition.content`: ids per section, edits and the spread."""
        sections: list[dict[str, Any]] = []
        for s in self.sections:
            entry: dict[str, Any] = {"kind": s.kind.value}
            if s.items:
                entry["items"] = [p.item.id for p in s.items]
            if s.agenda:
                entry["agenda"] = [
                    {"item": e.item_id} if e.item_id is not None else {"cafe": e.cafe_id}
                    for e in s.agenda
                ]
            if s.youth:
                entry["youth"] = [y.id for y in s.youth]
            if s.consultations:
                entry["consultations"] = [c.id for c in s.consultations]
            sections.append(entry)
        return {
            "language": self.language,
            "period": [self.period.start.isoformat(), self.period.end.isoformat()],
            "sections": sections,
            "edits": {
                "pinned": list(self.edits.pinned),
                "excluded": sorted(self.edits.excluded),
                "order": list(self.edits.order),
                "editorial": self.edits.editorial,
            },
            "spread": self.spread.as_dict(),
        }
