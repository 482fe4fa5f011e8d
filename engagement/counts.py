"""How results count a choice, shared by consultation and poll results (pure)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OptionCount:
    id: str
    text: str
    count: int
    percent: float


def percent(part: int, whole: int) -> float:
    """`part` of `whole` in percent, one decimal; 0.0 when there is no whole."""
    return round(100.0 * part / whole, 1) if whole else 0.0
