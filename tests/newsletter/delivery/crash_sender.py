"""A sender process for the crash-safety test: `python -m … DATABASE_URL SENDGRID_URL EDITION`.

Prints `started` once connected, then sends the edition to the end and exits 0.
"""

from __future__ import annotations

import asyncio
import sys

from newsletter.delivery.recipients import CachedLinks
from newsletter.delivery.sender import Sender, SenderConfig
from newsletter.delivery.sendgrid_backend import SendGridBackend
from storage.engine import create_engine, create_session_factory


class _Settings:
    public_url = "https://aive.example"

    def signing_key(self) -> str:
        return "crash-test-key"


async def main(database_url: str, sendgrid_url: str, edition_id: int) -> None:
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    backend = SendGridBackend("SG.crash", host=sendgrid_url, timeout=10)
    sender = Sender(
        sessions,
        backend,
        CachedLinks(_Settings()),
        "AIVE <bulletin@example.org>",
        config=SenderConfig(batch_size=1000),
    )
    print("started", flush=True)  # noqa: T201
    await sender.send_edition(edition_id)
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
