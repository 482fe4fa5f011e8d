"""The fake's webhook deliverer behaves like Telegram: resends until 2xx (a slow answer counts
as none), never more than `max_connections` requests at once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.fakes.telegram_webhook import SECRET_HEADER, WebhookDeliverer


class Hook:
    """A webhook that fails the first try of some updates and hangs on others once."""

    def __init__(self) -> None:
        self.seen: Counter[int] = Counter()
        self.secrets: set[str | None] = set()
        self.now = self.most = 0

    async def handle(self, request: web.Request) -> web.Response:
        update: dict[str, Any] = await request.json()
        uid = int(update["update_id"])
        self.seen[uid] += 1
        self.secrets.add(request.headers.get(SECRET_HEADER))
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            await asyncio.sleep(0.01)
            if uid % 5 == 0 and self.seen[uid] == 1:
                return web.Response(status=500)
            if uid % 7 == 0 and self.seen[uid] == 1:
                await asyncio.sleep(1)  # longer than the deliverer waits
            return web.json_response({"ok": True})
        finally:
            self.now -= 1


@pytest.fixture
async def hook() -> AsyncIterator[tuple[Hook, str]]:
    hook = Hook()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    async with TestServer(app) as server:
        yield hook, str(server.make_url("/hook"))


async def test_every_update_arrives_after_failures_and_timeouts_within_max_connections(
    hook: tuple[Hook, str],
) -> None:
    handler, url = hook
    deliverer = WebhookDeliverer(
        url, "s3cret", max_connections=4, timeout=0.3, first_retry=0.01, max_retry=0.05
    )
    await deliverer.start()
    try:
        for uid in range(1, 41):
            deliverer.push({"update_id": uid})
        await asyncio.wait_for(deliverer.idle(), timeout=30)
    finally:
        await deliverer.close()

    assert set(handler.seen) == set(range(1, 41))
    resent = {uid for uid, count in handler.seen.items() if count > 1}
    assert resent == {uid for uid in range(1, 41) if uid % 5 == 0 or uid % 7 == 0}
    # a request the deliverer gave up on may still run at the webhook: count on its side
    assert deliverer.most_in_flight == 4 and handler.most >= 2
    assert handler.secrets == {"s3cret"}
    assert deliverer.stats.delivered == 40
    assert deliverer.stats.timeouts == len({uid for uid in range(1, 41) if uid % 7 == 0} - {35})
