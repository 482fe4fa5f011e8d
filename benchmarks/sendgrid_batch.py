"""Time to build and post a 1,000-recipient batch to the fake SendGrid, against a baseline.

Baseline: POSTing the same, already-built JSON body with urllib (what the library does at its
core). The ratio shows what building the body and our checks add per batch.
Run: .venv/bin/python benchmarks/sendgrid_batch.py
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsletter.delivery.limits import plan_batch
from newsletter.delivery.sendgrid_backend import SendGridBackend, build_body
from tests.fakes.sendgrid import FakeSendGrid, spec_path
from tests.newsletter.delivery.conftest import make_batch

ROUNDS = 15


def raw_post(url: str, data: bytes) -> None:
    request = urllib.request.Request(
        f"{url}/v3/mail/send",
        data=data,
        headers={"Authorization": "Bearer SG.bench", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202


async def main() -> None:
    if not spec_path().is_file():
        print(f"skipped: SendGrid spec not found at {spec_path()}")
        return
    batch = make_batch(1000)
    with FakeSendGrid.start_in_thread() as fake:
        backend = SendGridBackend("SG.bench", host=fake.url, timeout=30)
        build, send, base = [], [], []
        for _ in range(ROUNDS):
            t0 = time.perf_counter()
            body, _ = build_body(batch, plan_batch(batch, datetime.now(UTC)))
            build.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            await backend.send_batch(batch)
            send.append(time.perf_counter() - t0)
            data = json.dumps(body).encode()
            t0 = time.perf_counter()
            await asyncio.to_thread(raw_post, fake.url, data)
            base.append(time.perf_counter() - t0)
        size = len(data)
    med = statistics.median
    print(f"1,000-recipient batch, {size / 1e6:.2f} MB body, median of {ROUNDS}")
    print(f"  build body + checks:           {med(build) * 1000:7.1f} ms")
    print(f"  send_batch (build+post+fake):  {med(send) * 1000:7.1f} ms")
    print(f"  baseline raw POST of the JSON: {med(base) * 1000:7.1f} ms")
    print(f"  ratio send_batch / baseline:   {med(send) / med(base):7.2f}")


if __name__ == "__main__":
    asyncio.run(main())
