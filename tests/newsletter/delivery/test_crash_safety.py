"""SIGKILL the sender at random moments: everyone ends with one accepted delivery, nobody is
skipped, and a duplicate only ever comes from a batch that was in flight (marked uncertain)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.base import utcnow
from storage.bulletins_queries import enqueue_edition
from storage.deliveries import Delivery, DeliveryState
from storage.engine import SessionFactory
from tests.fakes.sendgrid import FakeSendGrid
from tests.newsletter.delivery.world import add_subscribers, make_edition

pytestmark = pytest.mark.slow  # started first (tests/conftest.py)

RECIPIENTS = 20_000
KILLS = 20
ROOT = Path(__file__).resolve().parents[3]


async def test_killed_sender_resumes_without_loss_and_duplicates_only_in_flight(
    sessions: SessionFactory, database_url: str, fake_sendgrid: FakeSendGrid
) -> None:
    edition = await make_edition(sessions)
    await add_subscribers(sessions, RECIPIENTS)
    async with sessions() as session:
        await enqueue_edition(session, edition, utcnow())
        await session.commit()
    # SendGrid needs a while to answer a large batch; without that, the sender now ends the
    # edition within a few runs, before the test could kill it often enough
    fake_sendgrid.latency = 0.15
    rng = random.Random(20)
    command = [sys.executable, "-m", "tests.newsletter.delivery.crash_sender"]
    command += [database_url, fake_sendgrid.url, str(edition)]
    senders = subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ
    )
    assert senders.stdin is not None and senders.stdout is not None
    lines = senders.stdout

    async def next_line(prefix: str) -> str:
        """The next line that starts with `prefix` (the child's and the parent's interleave)."""
        while True:
            line = await asyncio.wait_for(asyncio.to_thread(lines.readline), 60)
            assert line, "the sender process ended"
            assert not line.startswith("failed"), line
            if line.startswith(prefix):
                return line.removeprefix(prefix).strip()

    kills = runs = 0
    try:
        while True:
            runs += 1
            senders.stdin.write("run\n")
            senders.stdin.flush()
            pid = int(await next_line("pid "))
            await next_line("started")
            if kills < KILLS:
                await asyncio.sleep(rng.uniform(0.0, 0.4))
                with contextlib.suppress(ProcessLookupError):  # it may have ended meanwhile
                    os.kill(pid, signal.SIGKILL)
            code = int(await next_line("exit "))
            if code == 0:
                break
            assert code == -signal.SIGKILL, f"the sender failed on its own (exit {code})"
            kills += 1
            assert runs < KILLS + 5
    finally:
        senders.stdin.close()
        senders.wait(60)
        lines.close()

    async with sessions() as session:
        rows = (await session.scalars(select(Delivery))).all()
    by_email = {r.email: r for r in rows}
    sent = Counter(
        p["to"][0]["email"] for r in fake_sendgrid.accepted for p in r.body["personalizations"]
    )
    assert kills >= KILLS // 2, "the sender was really interrupted"
    assert len(rows) == RECIPIENTS
    assert all(r.state == DeliveryState.accepted for r in rows), "everyone ends accepted"
    assert set(sent) == set(by_email), "nobody skipped"
    duplicates = [email for email, n in sent.items() if n > 1]
    assert all(by_email[e].uncertain_at is not None for e in duplicates), (
        "duplicates only among deliveries that were in flight"
    )
    in_flight = sum(1 for r in rows if r.uncertain_at is not None)
    print(f"\n{kills} kills, {runs} runs, {len(duplicates)} duplicates, {in_flight} uncertain")  # noqa: T201
