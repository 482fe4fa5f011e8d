"""No Telegram update handled twice, none lost: the webhook claims each update before handling.

A claim is a row per (bot, update_id) (storage.update_claims), in the database the bot already
uses, so the embedded default and production share one design. The process renews the leases
of the updates it is still handling every RENEW_EVERY; a process that dies (SIGKILL) stops
renewing, and after LEASE Telegram's next resend of its update takes the claim over.

The window left: a process that dies after handling an update and before marking it done
(two statements apart) leaves a claim that expires, and the resend is handled again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from storage.base import utcnow
from storage.engine import SessionFactory
from storage.update_claims_queries import (
    Claim,
    claim_update,
    finish_update,
    purge_claims,
    release_update,
    renew_claims,
)

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=10)  # an unfinished claim not renewed for this long is taken over
RENEW_EVERY = 2.0  # seconds
KEEP = timedelta(days=1)  # Telegram gives up on an update after a day
PURGE_EVERY = 3600.0  # seconds


def process_owner() -> str:
    """Who holds a claim: host, pid and a random part (a restarted pid is someone else)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class UpdateClaims:
    def __init__(
        self,
        sessions: SessionFactory,
        bot_id: int,
        *,
        owner: str | None = None,
        lease: timedelta = LEASE,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.bot_id = bot_id
        self.owner = owner or process_owner()
        self.lease = lease
        self.clock = clock
        self.handling: set[int] = set()  # update ids this process holds
        self._renewer: asyncio.Task[None] | None = None

    async def claim(self, update_id: int) -> Claim:
        if update_id in self.handling:
            return Claim.busy  # an earlier delivery of it is being handled here
        self._start_renewing()
        async with self.sessions() as session:
            outcome = await claim_update(
                session, self.bot_id, update_id, self.owner, self.clock(), self.lease
            )
        if outcome is Claim.taken:
            self.handling.add(update_id)
        return outcome

    async def finish(self, update_id: int) -> None:
        try:
            async with self.sessions() as session:
                await finish_update(session, self.bot_id, update_id, self.owner, self.clock())
        finally:
            self.handling.discard(update_id)

    async def release(self, update_id: int) -> None:
        try:
            async with self.sessions() as session:
                await release_update(session, self.bot_id, update_id, self.owner)
        finally:
            self.handling.discard(update_id)

    def _start_renewing(self) -> None:
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.create_task(self._renew_forever())

    async def _renew_forever(self) -> None:
        purged = time.monotonic()
        while True:
            await asyncio.sleep(RENEW_EVERY)
            try:
                if self.handling:
                    async with self.sessions() as session:
                        await renew_claims(
                            session, self.bot_id, self.owner, set(self.handling), self.clock()
                        )
                if time.monotonic() - purged >= PURGE_EVERY:
                    purged = time.monotonic()
                    async with self.sessions() as session:
                        await purge_claims(session, self.clock() - KEEP)
            except Exception:  # the database is away: try again at the next round
                log.warning("could not renew update claims", exc_info=True)

    async def close(self) -> None:
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer
