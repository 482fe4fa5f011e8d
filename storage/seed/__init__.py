"""Reference data shipped with the product, loaded idempotently by `aive db upgrade`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulletins import Series
from storage.networks import Network, NetworkKind

SEED_DIR = Path(__file__).parent


@dataclass(frozen=True)
class SeedReport:
    networks_added: int
    series_added: int


def _load(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((SEED_DIR / name).read_text(encoding="utf-8"))
    return list(data or [])


async def load_seed(session: AsyncSession) -> SeedReport:
    """Add missing networks and series; existing rows (maybe edited by staff) are kept."""
    known = set((await session.scalars(select(Network.slug))).all())
    networks_added = 0
    for row in _load("networks.yaml"):
        if row["slug"] in known:
            continue
        session.add(
            Network(
                slug=row["slug"],
                kind=NetworkKind(row["kind"]),
                names=row["names"],
                languages=row["languages"],
            )
        )
        networks_added += 1
    known_series = set((await session.scalars(select(Series.slug))).all())
    series_added = 0
    for row in _load("series.yaml"):
        if row["slug"] in known_series:
            continue
        session.add(
            Series(
                slug=row["slug"],
                titles=row["titles"],
                networks=row["networks"],
                languages=row["languages"],
                cadence=row["cadence"],
            )
        )
        series_added += 1
    await session.commit()
    return SeedReport(networks_added, series_added)
