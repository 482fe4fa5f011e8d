"""Where a consultation stands, beyond its results (pure, over plain values): the response rate
per country, the units asked that have not answered (with who could be reminded), and the
free-text answers with a search that ignores case and accents."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from engagement.consultations.reminders import Candidate
from engagement.consultations.results import SubmittedRow
from engagement.consultations.schema import Definition, QuestionType, localized
from engagement.counts import percent


@dataclass(frozen=True)
class CountryRate:
    country: str
    eligible: int
    responded: int
    rate: float


@dataclass(frozen=True)
class Waiting:
    """A city (or a person) asked that has not submitted."""

    unit_id: int
    name: str
    country: str
    networks: tuple[str, ...]
    started: bool  # a response is under way
    people: int  # who answers for it (a city's representatives)
    reminded: int  # of them, how many already had the reminder


class TextAnswer(NamedTuple):  # a tuple: thousands are built for a search
    response_id: int
    unit: str  # the city (or the person) that answered
    question_id: str
    question: str
    text: str
    submitted_at: datetime


def country_rates(countries: Mapping[int, str], responded: Collection[int]) -> list[CountryRate]:
    """Eligible and responding units per country (`countries`: unit id → country code),
    by country code."""
    eligible = Counter(countries.values())
    answered = Counter(country for unit, country in countries.items() if unit in responded)
    return [
        CountryRate(code, eligible[code], answered[code], percent(answered[code], eligible[code]))
        for code in sorted(eligible)
    ]


def waiting_units(
    eligible: Mapping[int, Sequence[str]],
    names: Mapping[int, tuple[str, str]],
    submitted: Collection[int],
    started: Collection[int],
    candidates: Iterable[Candidate],
    reminded: Collection[int],
) -> list[Waiting]:
    """The eligible units that have not submitted, by name. `names`: unit id → (name,
    country); `candidates`: who answers for which unit; `reminded`: people reminded."""
    people: dict[int, set[int]] = {}
    for candidate in candidates:
        people.setdefault(candidate.unit_id, set()).add(candidate.person_id)
    found = [
        Waiting(
            unit_id=unit,
            name=names.get(unit, (f"#{unit}", ""))[0],
            country=names.get(unit, ("", ""))[1],
            networks=tuple(sorted(slugs)),
            started=unit in started,
            people=len(people.get(unit, ())),
            reminded=len(people.get(unit, set()) & set(reminded)),
        )
        for unit, slugs in eligible.items()
        if unit not in submitted
    ]
    return sorted(found, key=lambda w: (fold(w.name), w.unit_id))


def text_answers(
    definition: Definition, rows: Sequence[SubmittedRow], names: Mapping[int, str], lang: str
) -> list[TextAnswer]:
    """Every free-text answer given, newest response first, questions in their order."""
    questions = [
        (q.id, localized(q.text, lang)) for q in definition.questions if q.type == QuestionType.text
    ]
    newest = sorted(rows, key=lambda r: (r.submitted_at, r.response_id), reverse=True)
    return [
        TextAnswer(
            row.response_id,
            names.get(row.unit_id, "") if row.unit_id is not None else "",
            qid,
            text,
            str(value),
            row.submitted_at,
        )
        for row in newest
        for qid, text in questions
        if (value := row.answers.get(qid)) not in (None, "")
    ]


# the combining diacritical marks (U+0300–U+036F) that NFKD splits off Latin letters
_ACCENTS = dict.fromkeys(range(0x300, 0x370))


def fold(text: str) -> str:
    """`text` for matching: case and accents ignored ("Inclusió" matches "inclusio")."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    return unicodedata.normalize("NFKD", folded).translate(_ACCENTS)


def search(answers: Sequence[TextAnswer], query: str, question: str = "") -> list[TextAnswer]:
    """The answers whose text or city contains every word of `query` (case and accents
    ignored), of one question when `question` names it."""
    words = fold(query).split()
    chosen = [a for a in answers if not question or a.question_id == question]
    if not words:
        return chosen
    found = []
    for answer in chosen:
        folded = fold(f"{answer.text}\n{answer.unit}")
        if all(w in folded for w in words):
            found.append(answer)
    return found
