"""No Telegram update handled twice, none lost: the webhook claims each update before handling.

Two stores, one design. Embedded (no Redis): a row per (bot, update_id) in the database
(storage.update_claims). Production (AIVE_REDIS_URL): a Redis key per update, `SET NX PX`, one
round trip where the row costs a transaction (under the burst that was 8 PostgreSQL round trips
per update). Either way the process renews the leases of the updates it is still handling
every RENEW_EVERY; a process that dies (SIGKILL) stops renewing, and after LEASE Telegram's
next resend of its update takes the claim over. A finished update stays marked for KEEP.

The window left: a process that dies after handling an update and before marking it done
(one statement apart) leaves a claim that expires, and the resend is handled again. Redis
losing its data (a restart without persistence) forgets the marks: a resend of an update
handled in the last minutes would be handled again.
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
from typing import Any

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
    """Claims kept in the database (the embedded default)."""

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
        outcome = await self._claim(update_id)
        if outcome is Claim.taken:
            self.handling.add(update_id)
        return outcome

    async def finish(self, update_id: int) -> None:
        try:
            await self._finish(update_id)
        finally:
            self.handling.discard(update_id)

    async def release(self, update_id: int) -> None:
        try:
            await self._release(update_id)
        finally:
            self.handling.discard(update_id)

    async def _claim(self, update_id: int) -> Claim:
        async with self.sessions() as session:
            return await claim_update(
                session, self.bot_id, update_id, self.owner, self.clock(), self.lease
            )

    async def _finish(self, update_id: int) -> None:
        async with self.sessions() as session:
            await finish_update(session, self.bot_id, update_id, self.owner, self.clock())

    async def _release(self, update_id: int) -> None:
        async with self.sessions() as session:
            await release_update(session, self.bot_id, update_id, self.owner)

    async def _renew_all(self, update_ids: set[int]) -> None:
        async with self.sessions() as session:
            await renew_claims(session, self.bot_id, self.owner, update_ids, self.clock())

    async def _purge(self) -> None:
        async with self.sessions() as session:
            await purge_claims(session, self.clock() - KEEP)

    def _start_renewing(self) -> None:
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.create_task(self._renew_forever())

    async def _renew_forever(self) -> None:
        purged = time.monotonic()
        while True:
            await asyncio.sleep(RENEW_EVERY)
            try:
                if self.handling:
                    await self._renew_all(set(self.handling))
                if time.monotonic() - purged >= PURGE_EVERY:
                    purged = time.monotonic()
                    await self._purge()
            except Exception:  # the database is away: try again at the next round
                log.warning("could not renew update claims", exc_info=True)

    async def close(self) -> None:
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer


class RedisUpdateClaims(UpdateClaims):
    """Claims kept in Redis (production): `aive:update:<bot>:<update_id>` holds the owner while
    an update is handled (expiring after LEASE unless renewed), then "done" for KEEP."""

    DONE = b"done"
    # renew a lease only while the key is still ours (not "done", not taken over)
    RENEW = """
    for i, key in ipairs(KEYS) do
        if redis.call('get', key) == ARGV[1] then redis.call('pexpire', key, ARGV[2]) end
    end
    return 0
    """

    def __init__(
        self, redis: Any, bot_id: int, *, owner: str | None = None, lease: timedelta = LEASE
    ) -> None:
        super().__init__(None, bot_id, owner=owner, lease=lease)  # type: ignore[arg-type]
        self.redis = redis
        self._renew = redis.register_script(self.RENEW)

    def key(self, update_id: int) -> str:
        return f"aive:update:{self.bot_id}:{update_id}"

    async def _claim(self, update_id: int) -> Claim:
        lease_ms = int(self.lease.total_seconds() * 1000)
        if await self.redis.set(self.key(update_id), self.owner, nx=True, px=lease_ms):
            return Claim.taken
        held = await self.redis.get(self.key(update_id))
        if held == self.DONE:
            return Claim.done
        return Claim.busy  # held by a live process (or it expired just now: the resend takes it)

    async def _finish(self, update_id: int) -> None:
        await self.redis.set(self.key(update_id), self.DONE, ex=int(KEEP.total_seconds()))

    async def _release(self, update_id: int) -> None:
        if await self.redis.get(self.key(update_id)) == self.owner.encode():
            await self.redis.delete(self.key(update_id))

    async def _renew_all(self, update_ids: set[int]) -> None:
        lease_ms = int(self.lease.total_seconds() * 1000)
        await self._renew(
            keys=[self.key(u) for u in sorted(update_ids)], args=[self.owner, lease_ms]
        )

    async def _purge(self) -> None:
        return None  # the "done" marks expire by themselves
