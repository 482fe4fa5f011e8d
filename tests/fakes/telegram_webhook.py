"""Updates pushed to a webhook as Telegram does it: at most `max_connections` requests at once,
each update resent until the webhook answers 2xx (no answer within `timeout` counts as a
failure), with a growing pause between tries.

    deliverer = WebhookDeliverer(url, secret_token, max_connections=40)
    await deliverer.start()
    deliverer.push(update)               # returns at once; `on_delivered(update_id, seconds)`
    await deliverer.close()              # after `await deliverer.idle()` when all must arrive

Telegram gives no ordering promise between updates of different chats, and neither does this.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class DeliveryStats:
    attempts: int = 0
    delivered: int = 0
    retried: int = 0  # tries that got no 2xx in time
    timeouts: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


class WebhookDeliverer:
    def __init__(
        self,
        url: str,
        secret_token: str | None = None,
        *,
        max_connections: int = 40,
        timeout: float = 10.0,
        first_retry: float = 0.2,
        max_retry: float = 5.0,
        on_attempt: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.url = url
        self.headers = {SECRET_HEADER: secret_token} if secret_token else {}
        self.max_connections = max_connections
        self.timeout = timeout
        self.first_retry = first_retry
        self.max_retry = max_retry
        self.on_attempt = on_attempt  # called just before each POST of an update
        self.stats = DeliveryStats()
        self.in_flight = 0
        self.most_in_flight = 0
        self._queue: asyncio.Queue[tuple[dict[str, Any], int]] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None
        self._pending = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def start(self) -> None:
        # one connection per worker, as Telegram keeps `max_connections` connections
        connector = aiohttp.TCPConnector(limit=self.max_connections, force_close=False)
        self._session = aiohttp.ClientSession(connector=connector)
        self._workers = [asyncio.create_task(self._work()) for _ in range(self.max_connections)]

    def push(self, update: dict[str, Any]) -> None:
        self._pending += 1
        self._idle.clear()
        self._queue.put_nowait((update, 0))

    async def idle(self) -> None:
        """Wait until every pushed update got its 2xx."""
        await self._idle.wait()

    async def close(self) -> None:
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def _work(self) -> None:
        assert self._session is not None
        while True:
            update, tries = await self._queue.get()
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            try:
                delivered = await self._post(update)
            finally:
                self.in_flight -= 1
            if delivered:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.set()
                continue
            self.stats.retried += 1
            pause = min(self.max_retry, self.first_retry * 2**tries)
            asyncio.get_running_loop().call_later(
                pause, self._queue.put_nowait, (update, tries + 1)
            )

    async def _post(self, update: dict[str, Any]) -> bool:
        assert self._session is not None
        self.stats.attempts += 1
        if self.on_attempt is not None:
            self.on_attempt(update)
        try:
            async with asyncio.timeout(self.timeout):
                async with self._session.post(
                    self.url, json=update, headers=self.headers
                ) as response:
                    await response.read()
                    status = response.status
        except TimeoutError:
            self.stats.timeouts += 1
            return False
        except aiohttp.ClientError:
            self.stats.statuses[0] = self.stats.statuses.get(0, 0) + 1
            return False
        self.stats.statuses[status] = self.stats.statuses.get(status, 0) + 1
        if 200 <= status < 300:
            self.stats.delivered += 1
            return True
        return False
