"""Compose a stored draft (`compose_draft`) from 5,000 items of 200 sources in SQLite.

Prints the time of a full `compose_draft` (load items and sources, compose, render, store) and
of the pure part alone (compose + render of the same candidates, already in memory), measured in
the same run, and their ratio: the cost of the database wiring around the pure core.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.catalogs import compile_all
from newsletter.editions import service as bulletins
from newsletter.editions.candidates import load_candidates
from newsletter.editions.compose import compose_edition
from newsletter.editions.render import RenderContext, render_edition
from newsletter.editions.values import Period
from storage import migrate
from storage.bulletins import Series
from storage.engine import create_engine, create_session_factory
from storage.feeds import Item, ItemSource, Source
from storage.networks import City

ITEMS = 5_000
SOURCES = 200
RUNS = 5
NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
NETWORKS = ("spain", "portugal", "francophone", "brazil", "latin-america")
LANGUAGES = ("en", "fr", "es", "pt", "ca")


async def seed(url: str) -> None:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    async with create_session_factory(engine)() as s:
        s.add(Series(slug="global", titles={"en": "Bulletin"}, networks=[], languages=["fr"]))
        sources = []
        for n in range(SOURCES):
            city = City(name=f"City {n}", country=("ES", "PT", "FR", "BR", "AR")[n % 5])
            sources.append(
                Source(
                    url=f"https://s{n}.example.org/feed",
                    title=f"Source {n}",
                    networks=[NETWORKS[n % len(NETWORKS)]],
                    city=city,
                    priority=n % 3,
                )
            )
        s.add_all(sources)
        for n in range(ITEMS):
            item = Item(
                url=f"https://news.example.org/{n}",
                guid=str(n),
                title=f"Item {n}: school streets and green playgrounds",
                summary_text="Summary " * 30,
                published_at=NOW - timedelta(minutes=7 * n + 1),
                language=LANGUAGES[n % len(LANGUAGES)],
                categories=["Maire"] if n % 50 == 0 else [],
                content_hash=str(n),
            )
            item.links.append(ItemSource(source=sources[n % SOURCES], guid=str(n)))
            s.add(item)
        await s.commit()
    await engine.dispose()


async def measure(url: str) -> tuple[list[float], list[float]]:
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    period = Period(NOW - timedelta(days=30), NOW)
    full: list[float] = []
    pure: list[float] = []
    async with sessions() as s:
        candidates = await load_candidates(s, series_networks=[], period=period)
    for _ in range(RUNS):
        async with sessions() as s:
            start = time.perf_counter()
            await bulletins.compose_draft(s, "global", "fr", NOW, period)
            full.append(time.perf_counter() - start)
        start = time.perf_counter()
        composed = compose_edition(candidates, language="fr", period=period)
        render_edition(composed, RenderContext("global", "Bulletin", 1, "http://x"))
        pure.append(time.perf_counter() - start)
    await engine.dispose()
    return full, pure


def main() -> None:
    compile_all()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(seed(url))
        full, pure = asyncio.run(measure(url))
    full_ms = statistics.median(full) * 1000
    pure_ms = statistics.median(pure) * 1000
    print(f"items in period: {ITEMS} from {SOURCES} sources (SQLite), runs: {RUNS}")
    print(f"compose_draft (load + compose + render + store): {full_ms:.1f} ms (median)")
    print(f"baseline, compose + render in memory:            {pure_ms:.1f} ms (median)")
    print(f"ratio full / baseline: {full_ms / pure_ms:.1f}x")


if __name__ == "__main__":
    main()
