"""Results of a poll, merged across languages by option id (pure).

Non-anonymous polls count the stored answers, one per person: percentages are of the people who
answered (with multiple answers they may add up to more than 100%), and per network through the
city each person represented when answering. Anonymous polls have no per-person answers
(Telegram sends no `poll_answer` for them): their counts are the sums of what Telegram reported
for each sent poll (`poll` updates, and the final state `stopPoll` returns), option i of every
language being the same option; they have no per-network breakdown, by design.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from engagement.consultations.schema import localized
from engagement.counts import OptionCount, percent


@dataclass(frozen=True)
class PollFacts:
    id: int
    slug: str
    question: Mapping[str, str]
    options: Sequence[Mapping[str, Any]]  # {"id": str, "text": {lang: str}}
    anonymous: bool
    multiple_answers: bool
    networks: Sequence[str]
    status: str
    closes_at: datetime


@dataclass(frozen=True)
class Vote:
    option_ids: Sequence[str]
    city_id: int | None
    language: str


@dataclass(frozen=True)
class Tally:
    """What Telegram last reported of one sent poll."""

    language: str
    voter_counts: Sequence[int]
    total_voters: int


@dataclass(frozen=True)
class NetworkResult:
    network: str
    voters: int
    options: list[OptionCount]


@dataclass(frozen=True)
class PollResults:
    id: int
    slug: str
    question: str
    status: str
    anonymous: bool
    multiple_answers: bool
    closes_at: datetime
    sent: int
    stopped: int
    voters: int
    options: list[OptionCount]
    networks: list[NetworkResult] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)  # voters per poll language

    def to_json(self) -> dict[str, Any]:
        document = asdict(self)
        document["closes_at"] = self.closes_at.isoformat()
        return document


def _options(
    facts: PollFacts, counts: Mapping[str, int], voters: int, lang: str
) -> list[OptionCount]:
    return [
        OptionCount(
            str(o["id"]),
            localized(o.get("text"), lang),
            counts.get(str(o["id"]), 0),
            percent(counts.get(str(o["id"]), 0), voters),
        )
        for o in facts.options
    ]


def _count(facts: PollFacts, votes: Sequence[Vote]) -> dict[str, int]:
    counts = dict.fromkeys((str(o["id"]) for o in facts.options), 0)
    for vote in votes:
        for option_id in set(vote.option_ids):
            if option_id in counts:
                counts[option_id] += 1
    return counts


def compute_results(
    facts: PollFacts,
    votes: Sequence[Vote],
    tallies: Sequence[Tally],
    city_networks: Mapping[int, Sequence[str]],
    *,
    sent: int,
    stopped: int,
    lang: str = "en",
) -> PollResults:
    """Counts and percentages per option (and per network for non-anonymous polls)."""
    base = partial(
        PollResults,
        id=facts.id,
        slug=facts.slug,
        question=localized(facts.question, lang),
        status=facts.status,
        anonymous=facts.anonymous,
        multiple_answers=facts.multiple_answers,
        closes_at=facts.closes_at,
        sent=sent,
        stopped=stopped,
    )
    if facts.anonymous:
        ids = [str(o["id"]) for o in facts.options]
        counts = dict.fromkeys(ids, 0)
        languages: dict[str, int] = {}
        for tally in tallies:
            for option_id, n in zip(ids, tally.voter_counts, strict=False):
                counts[option_id] += n
            languages[tally.language] = languages.get(tally.language, 0) + tally.total_voters
        voters = sum(t.total_voters for t in tallies)
        return base(
            voters=voters,
            options=_options(facts, counts, voters, lang),
            languages=dict(sorted(languages.items())),
        )
    by_network: dict[str, list[Vote]] = {}
    for vote in votes:
        for slug in city_networks.get(vote.city_id, ()) if vote.city_id is not None else ():
            if not facts.networks or slug in facts.networks:
                by_network.setdefault(slug, []).append(vote)
    networks = [
        NetworkResult(slug, len(group), _options(facts, _count(facts, group), len(group), lang))
        for slug, group in sorted(by_network.items())
    ]
    languages = {}
    for vote in votes:
        languages[vote.language] = languages.get(vote.language, 0) + 1
    return base(
        voters=len(votes),
        options=_options(facts, _count(facts, votes), len(votes), lang),
        networks=networks,
        languages=dict(sorted(languages.items())),
    )
