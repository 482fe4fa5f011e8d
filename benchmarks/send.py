"""Send one edition to 100,000 confirmed subscribers (3 languages) through the fake SendGrid.

    python benchmarks/send.py [--recipients N] [--pg postgresql+asyncpg://…]

On SQLite always; on PostgreSQL too when AIVE_TEST_DATABASE_URL or --pg is given (its schema
is dropped and recreated: use a scratch database). The fake runs in its own process with its
JSON-schema validation switched off (the benchmark measures our side; the tests validate).
Prints total seconds, recipients/s, peak memory (RSS) of this process, and the ratio to a
baseline measured in the same run: read the recipient ids, insert the delivery rows, post the
same number of pre-built JSON payloads. Two baselines are printed: payloads of the real
requests' shape and size (the edition, and per recipient its links, headers and ids: what
must cross the wire), built before the clock starts; and the earlier small payloads (~170 KB
against ~1 MB), for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scratch_database import migrated_engine
from sqlalchemy import insert, select

from newsletter.delivery.backend import OutgoingBatch, OutgoingRecipient
from newsletter.delivery.limits import plan_batch
from newsletter.delivery.recipients import CachedLinks
from newsletter.delivery.sender import Sender
from newsletter.delivery.sendgrid_backend import SendGridBackend, build_body
from storage.base import utcnow
from storage.bulletins_queries import enqueue_edition
from storage.deliveries import Delivery
from storage.engine import create_session_factory
from storage.subscribers import Subscriber
from tests.newsletter.delivery.world import HTML, TEXT, add_subscribers, make_edition

LANGUAGES = ("en", "fr", "es")


def _serve_fake(conn: Any) -> None:
    from tests.fakes.sendgrid import FakeSendGrid

    class Fast(FakeSendGrid):
        def check(self, body: Any) -> list[dict[str, Any]]:
            return []

    async def run() -> None:
        async with Fast() as fake:
            conn.send(fake.url)
            await asyncio.Event().wait()

    asyncio.run(run())


class _Settings:
    public_url = "https://aive.example"

    def signing_key(self) -> str:
        return "bench-key"


async def prepare(url: str, recipients: int) -> tuple[Any, Any, list[int]]:
    engine = await migrated_engine(url)
    sessions = create_session_factory(engine)
    per = recipients // len(LANGUAGES)
    for i, lang in enumerate(LANGUAGES):
        await add_subscribers(sessions, per, start=i * per, language=lang)
    editions = [await make_edition(sessions, language=lang, slug=f"s-{lang}") for lang in LANGUAGES]
    return engine, sessions, editions


def real_shaped_body() -> bytes:
    """A request like the sender's (1,000 recipients with their own links), built untimed."""
    links = CachedLinks(_Settings())
    recipients = []
    for i in range(1000):
        subscriber = SimpleNamespace(id=100_000 + i, email_key=f"reader{i}@example.org")
        unsubscribe, preferences = links(subscriber)  # type: ignore[arg-type]
        recipients.append(
            OutgoingRecipient(
                i, i, f"reader{i}@example.org", f"Reader {i}", unsubscribe, preferences
            )
        )
    batch = OutgoingBatch(
        1, "AIVE <bulletin@example.org>", "Bulletin", HTML, TEXT, tuple(recipients)
    )
    body, _ = build_body(batch, plan_batch(batch, utcnow()))
    return json.dumps(body).encode()


def small_body() -> bytes:
    return json.dumps(
        {
            "from": {"email": "bulletin@example.org"},
            "subject": "x",
            "content": [{"type": "text/plain", "value": "x" * 2000}],
            "personalizations": [
                {"to": [{"email": f"r{i}@example.org"}], "substitutions": {"a": "b" * 120}}
                for i in range(1000)
            ],
        }
    ).encode()


async def baseline(
    sessions: Any, fake_url: str, editions: list[int], count: int, body: bytes
) -> float:
    started = time.perf_counter()
    async with sessions() as session:
        ids = (await session.execute(select(Subscriber.id, Subscriber.language))).all()
        edition_of = dict(zip(LANGUAGES, editions, strict=True))
        now = utcnow()
        rows = [
            {
                "edition_id": edition_of[lang],
                "subscriber_id": i,
                "email": "x",
                "state": "queued",
                "attempts": 0,
                "updated_at": now,
            }
            for i, lang in ids
        ]
        await session.execute(insert(Delivery), rows)
        await session.rollback()

    def post() -> None:
        request = urllib.request.Request(
            f"{fake_url}/v3/mail/send",
            data=body,
            method="POST",
            headers={"Authorization": "Bearer k", "Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=30).read()

    for _ in range((count + 999) // 1000):
        await asyncio.to_thread(post)
    return time.perf_counter() - started


async def measure(url: str, fake_url: str, recipients: int) -> None:
    engine, sessions, editions = await prepare(url, recipients)
    base = await baseline(sessions, fake_url, editions, recipients, real_shaped_body())
    small = await baseline(sessions, fake_url, editions, recipients, small_body())
    started = time.perf_counter()
    queued = 0
    async with sessions() as session:
        for edition in editions:
            queued += (await enqueue_edition(session, edition, utcnow())).added
        await session.commit()
    backend = SendGridBackend("SG.bench", host=fake_url)
    sender = Sender(sessions, backend, CachedLinks(_Settings()), "AIVE <bulletin@example.org>")
    reports = []
    for edition in editions:
        reports += await sender.send_edition(edition)
    total = time.perf_counter() - started
    accepted = sum(r.accepted for r in reports)
    await engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{engine.dialect.name:10s} {recipients:,} subscribers, {queued:,} recipients "
        f"({accepted:,} accepted): {total:.2f} s, {accepted / total:,.0f} recipients/s; "
        f"baseline {base:.2f} s, ratio {total / base:.2f} (small-payload baseline {small:.2f} s, "
        f"ratio {total / small:.2f}); peak RSS {peak:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--pg", default=os.environ.get("AIVE_TEST_DATABASE_URL"))
    args = parser.parse_args()
    parent, child = multiprocessing.Pipe()
    fake = multiprocessing.Process(target=_serve_fake, args=(child,), daemon=True)
    fake.start()
    fake_url = parent.recv()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            asyncio.run(
                measure(f"sqlite+aiosqlite:///{scratch}/bench.db", fake_url, args.recipients)
            )
        if args.pg:
            asyncio.run(measure(args.pg, fake_url, args.recipients))
    finally:
        fake.terminate()


if __name__ == "__main__":
    main()
