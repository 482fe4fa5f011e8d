"""Time to record one 20,000-event SendGrid webhook batch (the largest batches SendGrid posts
are far smaller; this is the hostile case), on SQLite, and on PostgreSQL when
AIVE_TEST_DATABASE_URL is set (its schema is dropped and migrated afresh: a scratch database).
Run: .venv/bin/python benchmarks/sendgrid_events.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from scratch_database import migrated_engine

from newsletter.delivery.events import parse_events, record_events
from storage.engine import create_session_factory

EVENTS = 20_000
KINDS = ("delivered", "open", "click", "open", "delivered", "bounce", "open", "delivered")


def payload() -> list[dict[str, object]]:
    return [
        {
            "sg_event_id": f"ev-{n}",
            "event": KINDS[n % len(KINDS)],
            "email": f"reader{n % 5000}@example.org",
            "timestamp": 1_796_000_000 + n,
            "edition_id": "7",
            "subscriber_id": str(n % 5000 + 1),
            "reason": "550 no such user",
        }
        for n in range(EVENTS)
    ]


async def run(url: str) -> float:
    engine = await migrated_engine(url)
    sessions = create_session_factory(engine)
    events = parse_events(payload())
    started = time.perf_counter()
    async with sessions() as session:
        new = await record_events(session, events, datetime.now(UTC))
        await session.commit()
    elapsed = time.perf_counter() - started
    await engine.dispose()
    assert new == EVENTS
    return elapsed


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        seconds = await run(f"sqlite+aiosqlite:///{folder}/bench.db")
    print(f"{EVENTS:,} events, one webhook batch: SQLite {seconds:6.2f} s")
    url = os.environ.get("AIVE_TEST_DATABASE_URL")
    if url:
        print(f"{EVENTS:,} events, one webhook batch: PostgreSQL {await run(url):6.2f} s")


if __name__ == "__main__":
    asyncio.run(main())
