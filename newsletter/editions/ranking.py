"""Ranking and diversity for edition composition (pure).

Choice: a *penalized greedy* rather than a round-robin across countries.

- Each item gets a base score in days: `priority × priority_weight_days − age in days` (age at the
  end of the period), so a priority-1 source beats an ordinary one published two days later.
- Items are then picked one at a time. An item's effective score is its base score minus
  `country_penalty_days` for every item already chosen from its country, minus
  `network_penalty_days` × (items already chosen in its least-represented series network).
  With the default 7-day country penalty and weekly editions, every country with an eligible item
  gets one item before any country gets a second, as a round-robin would; unlike a round-robin,
  a much fresher or higher-priority item can still outweigh the spread when the period is long.
- `max_per_city` is a hard cap.

Penalties only grow as items are picked, so a stale score is an upper bound: a lazy max-heap
re-scores only the item on top (exact, and fast: 5,000 candidates in a few milliseconds).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from newsletter.editions.values import CandidateItem, ComposeOptions

DAY_SECONDS = 86_400.0


def base_score(item: CandidateItem, reference: datetime, options: ComposeOptions) -> float:
    age_days = (reference - item.published_at).total_seconds() / DAY_SECONDS
    return item.source_priority * options.priority_weight_days - age_days


def city_key(item: CandidateItem) -> str:
    if not item.city:
        return ""
    return f"{item.city} ({item.country.upper()})" if item.country else item.city


@dataclass
class SpreadTracker:
    """What has been chosen so far, per city, country and series network."""

    series_networks: frozenset[str]
    options: ComposeOptions
    cities: Counter[str] = field(default_factory=Counter)
    countries: Counter[str] = field(default_factory=Counter)
    networks: Counter[str] = field(default_factory=Counter)

    def add(self, item: CandidateItem) -> None:
        self.cities[city_key(item)] += 1
        self.countries[item.country.upper()] += 1
        for network in self._series_networks_of(item):
            self.networks[network] += 1

    def city_is_full(self, item: CandidateItem) -> bool:
        key = city_key(item)
        return bool(key) and self.cities[key] >= self.options.max_per_city

    def penalty(self, item: CandidateItem) -> float:
        penalty = self.options.country_penalty_days * self.countries[item.country.upper()]
        networks = self._series_networks_of(item)
        if networks:
            least = min(self.networks[n] for n in networks)
            penalty += self.options.network_penalty_days * least
        return penalty

    def _series_networks_of(self, item: CandidateItem) -> list[str]:
        if not self.series_networks:
            return list(item.networks)
        return [n for n in item.networks if n in self.series_networks]


def rank(
    items: Iterable[CandidateItem], reference: datetime, options: ComposeOptions
) -> list[tuple[float, CandidateItem]]:
    """Items with their base score, best first (ties: newer first, then lower id)."""
    scored = [(base_score(item, reference, options), item) for item in items]
    scored.sort(key=lambda pair: (-pair[0], -pair[1].published_at.timestamp(), pair[1].id))
    return scored


def pick_diverse(
    ranked: Sequence[tuple[float, CandidateItem]], tracker: SpreadTracker, limit: int
) -> list[CandidateItem]:
    """Pick up to `limit` items from `ranked`, best effective score first; updates `tracker`."""
    if limit <= 0:
        return []
    # (negated upper bound of the effective score, rank position, base score, item)
    heap = [(-score, position, score, item) for position, (score, item) in enumerate(ranked)]
    heapq.heapify(heap)
    chosen: list[CandidateItem] = []
    while heap and len(chosen) < limit:
        _, position, score, item = heapq.heappop(heap)
        if tracker.city_is_full(item):
            continue  # counts only grow: this city stays full
        effective = score - tracker.penalty(item)
        if not heap or effective >= -heap[0][0]:
            chosen.append(item)
            tracker.add(item)
        else:
            heapq.heappush(heap, (-effective, position, score, item))
    return chosen
