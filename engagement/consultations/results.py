"""Results of a consultation, computed from plain rows of submitted responses.

Counts are by option id, so answers given in any language merge. A choice question's percentages
are of the responses that answered it (multi choice may add up to more than 100%). The response
rate counts the units that answer (cities, or people when `one_response_per: person`) among the
eligible ones, overall and per network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from engagement.consultations.schema import Definition, QuestionType, localized
from engagement.counts import OptionCount, percent


@dataclass(frozen=True)
class SubmittedRow:
    response_id: int
    unit_id: int | None  # the city (per-city consultations) or the person; None once forgotten
    language: str
    submitted_at: datetime
    answers: Mapping[str, Any]
    channel: str = "bot"  # the face of the last change: bot or web


@dataclass(frozen=True)
class QuestionResult:
    id: str
    type: str
    text: str
    answered: int
    options: list[OptionCount] = field(default_factory=list)
    average: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    latest_texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NetworkRate:
    network: str
    eligible: int
    responded: int
    rate: float


@dataclass(frozen=True)
class Results:
    slug: str
    title: str
    submitted: int
    eligible: int
    responded: int
    rate: float
    networks: list[NetworkRate]
    questions: list[QuestionResult]
    channels: dict[str, int] = field(default_factory=dict)  # submitted responses per face

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def compute_results(
    definition: Definition,
    rows: Sequence[SubmittedRow],
    eligible: Mapping[int, Sequence[str]],
    lang: str = "en",
    latest: int = 5,
) -> Results:
    """Per-question counts, averages and the latest texts; response rates.

    `eligible` maps each eligible unit id (city or person) to the network slugs it belongs to.
    """
    questions = [_question_result(definition, qid, rows, lang, latest) for qid in _ids(definition)]
    responded_units = {r.unit_id for r in rows if r.unit_id is not None}
    responded = len(responded_units & set(eligible))
    networks: dict[str, list[int]] = {}
    for unit, slugs in eligible.items():
        for slug in slugs:
            networks.setdefault(slug, []).append(unit)
    if definition.networks:
        networks = {s: u for s, u in networks.items() if s in definition.networks}
    rates = [
        NetworkRate(
            network=slug,
            eligible=len(units),
            responded=len(responded_units & set(units)),
            rate=percent(len(responded_units & set(units)), len(units)),
        )
        for slug, units in sorted(networks.items())
    ]
    return Results(
        slug=definition.slug,
        title=localized(definition.title, lang),
        submitted=len(rows),
        eligible=len(eligible),
        responded=responded,
        rate=percent(responded, len(eligible)),
        networks=rates,
        questions=questions,
        channels={c: sum(r.channel == c for r in rows) for c in ("bot", "web")},
    )


def _ids(definition: Definition) -> list[str]:
    return [q.id for q in definition.questions]


def _question_result(
    definition: Definition, qid: str, rows: Sequence[SubmittedRow], lang: str, latest: int
) -> QuestionResult:
    q = definition.question(qid)
    assert q is not None
    given = [(r, r.answers[qid]) for r in rows if r.answers.get(qid) not in (None, [], "")]
    base = partial(QuestionResult, q.id, q.type.value, localized(q.text, lang))
    if q.is_choice:
        counts = dict.fromkeys(q.option_ids, 0)
        for _, value in given:
            for option_id in value if isinstance(value, list) else [value]:
                if option_id in counts:  # an option removed since is not counted
                    counts[option_id] += 1
        options = [
            OptionCount(
                o.id, localized(o.text, lang), counts[o.id], percent(counts[o.id], len(given))
            )
            for o in q.options or ()
        ]
        return base(answered=len(given), options=options)
    if q.type in (QuestionType.scale, QuestionType.number):
        numbers = [float(v) for _, v in given if isinstance(v, int | float)]
        if not numbers:
            return base(answered=0)
        return base(
            answered=len(numbers),
            average=round(sum(numbers) / len(numbers), 2),
            minimum=min(numbers),
            maximum=max(numbers),
        )
    newest = sorted(given, key=lambda item: (item[0].submitted_at, item[0].response_id))
    texts = [str(v) for _, v in reversed(newest)][:latest]
    return base(answered=len(given), latest_texts=texts)
