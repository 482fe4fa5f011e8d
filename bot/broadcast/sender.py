"""The rate-limited sender: claim a wave of rows, send them through aiogram, record outcomes.

Each wave takes as many rows as the limiter allows now, marks them `sending` and commits before
any Telegram call, sends them concurrently, then records every outcome in one commit:
- sent: Telegram answered with the message;
- 429 (`TelegramRetryAfter`): nothing was sent; the row goes back to `queued` and the whole
  sender pauses for `retry_after` seconds;
- 403 (`TelegramForbiddenError`, the person blocked the bot or removed it from the group):
  `blocked`, and the person is marked inactive;
- network or Telegram server errors: retried with backoff within the wave, then the row goes
  back to `queued` until it has been claimed `max_attempts` times, then `failed`;
- any other API error (400 bad request, chat not found…): `failed` with Telegram's message.

Duplicate window: Telegram has no idempotency key. A network error after Telegram received the
request (a timeout while reading the answer) looks like one before it, so a retry can deliver a
second copy. A worker that dies mid-wave leaves its rows `sending`; once their lease expires
they become `uncertain` and are never resent automatically (`aive broadcast requeue-uncertain`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

import aiohttp
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)

from bot.broadcast.limiter import RateLimiter
from bot.broadcast.telegram_messages import TelegramMessages
from outbox.content import ContentError, content_for
from storage import broadcasts_queries as outbox
from storage.base import utcnow
from storage.broadcasts import Broadcast, BroadcastKind, MessageState
from storage.broadcasts_queries import Candidate, Outcome
from storage.engine import SessionFactory

log = logging.getLogger(__name__)
IDLE_CHAT_WAIT = 0.05  # every queued chat is busy: look again this soon


class BroadcastError(Exception):
    """The sender cannot go on (e.g. Telegram refuses the bot token)."""


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(frozen=True)
class SendPolicy:
    network_retries: int = 2  # extra tries within a wave
    backoff_seconds: float = 0.5  # doubled at each retry
    max_attempts: int = 5  # claims of one row before it is failed
    lease: timedelta = timedelta(minutes=10)  # longer `sending` means its worker died
    window: int = 200  # queued rows looked at per wave


@dataclass
class SenderStats:
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    requeued: int = 0
    retry_after: int = 0  # 429 answers seen
    network_errors: int = 0
    waves: int = 0


@dataclass
class _Wave:
    """What one wave saw: whether anything was queued at all."""

    candidates: int = 0


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class BroadcastSender:
    sessions: SessionFactory
    bot: Bot
    limiter: RateLimiter = field(default_factory=RateLimiter)
    clock: Clock = field(default_factory=RealClock)
    worker: str = field(default_factory=new_worker_id)
    policy: SendPolicy = field(default_factory=SendPolicy)
    stats: SenderStats = field(default_factory=SenderStats)
    _broadcasts: dict[int, tuple[BroadcastKind, dict[str, Any]]] = field(default_factory=dict)
    telegram: TelegramMessages = field(init=False)

    def __post_init__(self) -> None:
        self.telegram = TelegramMessages(self.bot)

    async def drain(
        self,
        broadcast_id: int | None = None,
        *,
        budget: float | None = None,
        should_stop: Callable[[], bool] = lambda: False,
        on_wave: Callable[[int], None] | None = None,
    ) -> int:
        """Send until nothing is queued, `budget` seconds passed or `should_stop()`; returns
        how many rows got an outcome. Raises BroadcastError when the bot token is refused."""
        async with self.sessions() as session:
            expired = await outbox.expire_claims(session, now=utcnow(), lease=self.policy.lease)
        if expired:
            log.warning("%d broadcast messages of a stopped worker are now uncertain", expired)
        deadline = None if budget is None else self.clock.now() + budget
        handled = 0
        while not should_stop() and (deadline is None or self.clock.now() < deadline):
            if (wait := self.limiter.wait()) > 0:
                await self.clock.sleep(wait)
                continue
            done = await self.send_wave(broadcast_id)
            if done is None:
                break
            if done == 0:
                await self.clock.sleep(max(self.limiter.chat_wait(), IDLE_CHAT_WAIT))
                continue
            handled += done
            if on_wave is not None:
                on_wave(done)
        async with self.sessions() as session:
            await outbox.finish_broadcasts(session, now=utcnow())
        return handled

    async def send_wave(self, broadcast_id: int | None = None) -> int | None:
        """One wave; returns rows handled, 0 when every queued chat must wait, None when
        nothing is queued."""
        wave = _Wave()
        busy = self.limiter.busy_chats()
        async with self.sessions() as session:
            claimed = await outbox.claim(
                session,
                self.worker,
                lambda candidates: self._choose(candidates, wave),
                now=utcnow(),
                broadcast_id=broadcast_id,
                skip_chats=busy,
                window=self.policy.window,
            )
            await self._load_broadcasts(session, {c.broadcast_id for c in claimed})
            if not wave.candidates:
                # Nothing for the chats that are free now: done, unless busy chats have more.
                return 0 if busy and await outbox.has_queued(session, broadcast_id) else None
        if not claimed:
            return 0
        self.stats.waves += 1
        # A local file is uploaded by the first message alone; the others reuse its file_id.
        uploads = {c.broadcast_id: c for c in reversed(claimed) if self._uploads(c)}
        first = list(uploads.values())
        outcomes = await asyncio.gather(*(self._send(c) for c in first))
        outcomes += await asyncio.gather(*(self._send(c) for c in claimed if c not in first))
        async with self.sessions() as session:
            await outbox.record(session, self.worker, outcomes, now=utcnow())
        if any(o.error == _UNAUTHORIZED for o in outcomes):
            raise BroadcastError("Telegram refused the bot token (401 Unauthorized)")
        return sum(o.state != MessageState.queued for o in outcomes)

    def _uploads(self, row: Candidate) -> bool:
        kind, payload = self._broadcasts[row.broadcast_id]
        return self.telegram.needs_upload(row.broadcast_id, kind, payload)

    def _choose(self, candidates: Sequence[Candidate], wave: _Wave) -> list[Candidate]:
        wave.candidates = len(candidates)
        chosen: list[Candidate] = []
        seen: set[int] = set()
        for candidate in candidates:
            if self.limiter.wait() > 0:
                break
            # Two broadcasts to one chat in the same wave: the per-chat window decides.
            if candidate.chat_id not in seen and self.limiter.try_acquire(candidate.chat_id):
                chosen.append(candidate)
                seen.add(candidate.chat_id)
        return chosen

    async def _load_broadcasts(self, session: Any, ids: set[int]) -> None:
        for broadcast_id in ids - self._broadcasts.keys():
            broadcast = await session.get(Broadcast, broadcast_id)
            self._broadcasts[broadcast_id] = (broadcast.kind, dict(broadcast.payload))

    async def _send(self, row: Candidate) -> Outcome:
        kind, payload = self._broadcasts[row.broadcast_id]
        try:
            content = content_for(kind, payload, row.language)
        except ContentError as exc:
            return self._count(Outcome(row.id, MessageState.failed, error=str(exc)))
        error = ""
        for attempt in range(self.policy.network_retries + 1):
            try:
                message = await self.telegram.send(row.chat_id, row.broadcast_id, content)
            except TelegramRetryAfter as exc:
                self.stats.retry_after += 1
                self.limiter.pause(exc.retry_after)
                return self._count(Outcome(row.id, MessageState.queued, error=str(exc)))
            except TelegramForbiddenError as exc:
                blocked = Outcome(
                    row.id, MessageState.blocked, None, str(exc), row.person_id, row.chat_id
                )
                return self._count(blocked)
            except TelegramUnauthorizedError:
                return Outcome(row.id, MessageState.queued, error=_UNAUTHORIZED)
            except (TelegramNetworkError, TelegramServerError, aiohttp.ClientError) as exc:
                self.stats.network_errors += 1
                error = f"network: {exc}"
                if attempt < self.policy.network_retries:
                    await self.clock.sleep(self.policy.backoff_seconds * 2**attempt)
                continue
            except TelegramAPIError as exc:
                return self._count(Outcome(row.id, MessageState.failed, error=str(exc)))
            self.telegram.remember_file(row.broadcast_id, message)
            poll_id = message.poll.id if message.poll else None
            sent = Outcome(row.id, MessageState.sent, message.message_id, telegram_poll_id=poll_id)
            return self._count(sent)
        retry = row.attempts < self.policy.max_attempts
        state = MessageState.queued if retry else MessageState.failed
        return self._count(Outcome(row.id, state, error=error))

    def _count(self, outcome: Outcome) -> Outcome:
        name = {
            MessageState.sent: "sent",
            MessageState.blocked: "blocked",
            MessageState.failed: "failed",
            MessageState.queued: "requeued",
        }[outcome.state]
        setattr(self.stats, name, getattr(self.stats, name) + 1)
        return outcome


_UNAUTHORIZED = "401 Unauthorized: the bot token was refused"
