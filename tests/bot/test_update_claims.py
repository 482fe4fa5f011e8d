"""No Telegram update handled twice, none lost (issue 20): the webhook claims each update.

Telegram resends an update that got no 200 in time, to any web process. A resend of an update
handled already changes nothing and is answered 200; one still being handled is answered 503
(Telegram tries again later); one whose process died mid-way (its claim no longer renewed) is
taken over and handled.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bot.config import BotConfig
from bot.update_claims import RedisUpdateClaims
from bot.webhook import TelegramWebhook
from engagement.consultations import lifecycle
from storage.base import utcnow
from storage.consultations import ConsultationResponse, ConsultationStatus
from storage.engine import SessionFactory
from storage.update_claims import UpdateClaim
from storage.update_claims_queries import Claim, claim_update, purge_claims
from tests.bot.conftest import Harness, HarnessFactory, button_data
from tests.bot.consultation_support import add_city, add_representative, create_declaration
from tests.fakes.telegram_objects import FakeUser

SECRET = "claims-secret-123"
REDIS_URL = os.environ.get("AIVE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
Post = Callable[[dict[str, Any]], Awaitable[int]]


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


class OtherProcess:
    """Another web process's claim on an update, in the store the webhook uses."""

    def __init__(self, hook: TelegramWebhook, sessions: SessionFactory) -> None:
        self.claims, self.sessions = hook.claims, sessions

    async def claims_it(self, update_id: int, *, died: bool) -> None:
        lease = self.claims.lease
        if isinstance(self.claims, RedisUpdateClaims):  # a dead process's key has expired
            await self.claims.redis.set(
                self.claims.key(update_id), "web-2:77:other", px=50 if died else 10_000
            )
            if died:
                await asyncio.sleep(0.1)
            return
        async with self.sessions() as session:  # its row was last renewed over a lease ago
            when = utcnow() - lease - timedelta(seconds=1) if died else utcnow()
            taken = await claim_update(
                session, self.claims.bot_id, update_id, "web-2:77:other", when, lease
            )
        assert taken is Claim.taken


@pytest.fixture(params=["database", "redis"])
async def webhook(
    request: pytest.FixtureRequest, harness: Harness
) -> AsyncIterator[tuple[TelegramWebhook, Post]]:
    config = BotConfig(token=harness.config.token, webhook_secret=SECRET)
    hook = TelegramWebhook(config, harness.dp, harness.bot, harness.sessions)
    redis = None
    if request.param == "redis":
        if not _redis_answers():
            pytest.skip("no Redis on 127.0.0.1:6379")
        from redis.asyncio import Redis

        redis = Redis.from_url(REDIS_URL)
        # a bot of its own: the keys of one test are not another's
        hook.claims = RedisUpdateClaims(redis, random.randrange(10**9, 10**10))
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    async with TestServer(app) as server:
        url = str(server.make_url("/hook"))

        async def post(update: dict[str, Any]) -> int:
            return await harness.fake.post_update(url, update, SECRET)

        yield hook, post
        await hook.drain()
    if redis is not None:
        await redis.aclose()


async def _at_the_actions_question(harness: Harness, sessions: SessionFactory) -> FakeUser:
    """Claire of Lyon has answered the first question; the multiple choice is on her screen."""
    lyon = await add_city(sessions, "Lyon", "FR")
    claire = harness.fake.make_user("Claire", language_code="en")
    await add_representative(sessions, claire, lyon, "en")
    consultation_id = await create_declaration(sessions)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="t")
    await harness.say(claire, f"/start c{consultation_id}")
    message = harness.fake.last_message(claire.id)
    await harness.press(claire, message, button_data(message, "Climate"))
    assert "Which actions?" in (harness.fake.last_message(claire.id).text or "")
    return claire


def _press_parks(harness: Harness, claire: FakeUser) -> dict[str, Any]:
    """Claire taps "Parks" (a toggle: handling it twice would untick it); the update as sent."""
    message = harness.fake.last_message(claire.id)
    harness.fake.user_presses_button(claire, message, button_data(message, "Parks"))
    return harness.fake.world.updates.pending.pop()


async def _stored_answers(sessions: SessionFactory) -> list[dict[str, Any]]:
    async with sessions() as session:
        rows = await session.scalars(select(ConsultationResponse.answers))
        return [dict(answers) for answers in rows]


def _answers_to(harness: Harness, claire: FakeUser) -> int:
    """How many times the bot changed Claire's screen or wrote to her."""
    return len(
        [
            c
            for c in harness.fake.calls
            if c.method in ("sendMessage", "editMessageText", "editMessageReplyMarkup")
            and int(c.params.get("chat_id", 0)) == claire.id
        ]
    )


async def _until_delivered(post: Post, update: dict[str, Any]) -> list[int]:
    """Resend like Telegram until a 2xx; the statuses seen."""
    statuses = [await post(update)]
    while not 200 <= statuses[-1] < 300:
        await asyncio.sleep(0.05)
        statuses.append(await post(update))
    return statuses


async def test_an_update_delivered_twice_in_a_row_is_answered_and_stored_once(
    harness: Harness, sessions: SessionFactory, webhook: tuple[TelegramWebhook, Post]
) -> None:
    _, post = webhook
    claire = await _at_the_actions_question(harness, sessions)
    before = _answers_to(harness, claire)
    update = _press_parks(harness, claire)
    assert await post(update) == 200
    assert await post(update) == 200  # Telegram got no 200 in time and resent it
    assert _answers_to(harness, claire) == before + 1
    assert await _stored_answers(sessions) == [{"priority": "climate", "actions": ["parks"]}]


async def test_an_update_delivered_twice_at_once_is_answered_and_stored_once(
    harness: Harness, sessions: SessionFactory, webhook: tuple[TelegramWebhook, Post]
) -> None:
    _, post = webhook
    claire = await _at_the_actions_question(harness, sessions)
    before = _answers_to(harness, claire)
    update = _press_parks(harness, claire)
    first, second = await asyncio.gather(
        _until_delivered(post, update), _until_delivered(post, update)
    )
    assert set(first + second) <= {200, 503}  # 503: "being handled", Telegram tries again
    assert _answers_to(harness, claire) == before + 1
    assert await _stored_answers(sessions) == [{"priority": "climate", "actions": ["parks"]}]


async def test_a_resend_while_the_first_delivery_is_handled_waits_then_is_not_handled_again(
    make_harness: HarnessFactory,
) -> None:
    gate = asyncio.Event()
    handled = 0
    slow = Router(name="slow")

    @slow.message(Command("slow"))
    async def slow_handler(message: Message) -> None:
        nonlocal handled
        handled += 1
        await gate.wait()
        await message.answer("done")

    harness = make_harness(routers=[slow])
    config = BotConfig(token=harness.config.token, webhook_secret=SECRET)
    hook = TelegramWebhook(config, harness.dp, harness.bot, harness.sessions)
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    ana = harness.fake.make_user("Ana")
    harness.fake.user_sends_text(ana, "/slow")
    update = harness.fake.world.updates.pending.pop()
    async with TestServer(app) as server:
        url = str(server.make_url("/hook"))
        first = asyncio.create_task(harness.fake.post_update(url, update, SECRET))
        while not handled:
            await asyncio.sleep(0.01)
        assert not first.done()  # no 200 before it is handled
        assert await harness.fake.post_update(url, update, SECRET) == 503  # being handled
        gate.set()
        assert await first == 200
        assert await harness.fake.post_update(url, update, SECRET) == 200  # done already
        await hook.drain()
    assert handled == 1
    assert [m.text for m in harness.fake.sent_messages(ana.id)] == ["done"]


async def test_an_update_whose_first_handler_died_is_handled_when_telegram_resends_it(
    harness: Harness, sessions: SessionFactory, webhook: tuple[TelegramWebhook, Post]
) -> None:
    hook, post = webhook
    claire = await _at_the_actions_question(harness, sessions)
    before = _answers_to(harness, claire)
    update = _press_parks(harness, claire)
    # A web process claimed it, then was killed: its claim is no longer renewed.
    await OtherProcess(hook, sessions).claims_it(update["update_id"], died=True)
    assert await post(update) == 200  # the lease ran out: this process takes it over
    assert _answers_to(harness, claire) == before + 1
    assert await _stored_answers(sessions) == [{"priority": "climate", "actions": ["parks"]}]
    assert await post(update) == 200
    assert _answers_to(harness, claire) == before + 1


async def test_an_update_claimed_by_a_live_process_is_left_to_it(
    harness: Harness, sessions: SessionFactory, webhook: tuple[TelegramWebhook, Post]
) -> None:
    hook, post = webhook
    claire = await _at_the_actions_question(harness, sessions)
    before = _answers_to(harness, claire)
    update = _press_parks(harness, claire)
    await OtherProcess(hook, sessions).claims_it(update["update_id"], died=False)
    assert await post(update) == 503
    assert _answers_to(harness, claire) == before
    assert await _stored_answers(sessions) == [{"priority": "climate"}]


async def test_claims_older_than_a_day_are_forgotten(sessions: SessionFactory) -> None:
    now = utcnow()
    async with sessions() as session:
        for update_id, age in ((1, timedelta(days=2)), (2, timedelta(hours=1))):
            await claim_update(session, 9, update_id, "p", now - age, timedelta(seconds=10))
        assert await purge_claims(session, now - timedelta(days=1)) == 1
        left = await session.scalar(select(func.count()).select_from(UpdateClaim))
    assert left == 1


async def test_a_webhook_update_without_a_numeric_id_is_refused(
    webhook: tuple[TelegramWebhook, Post],
) -> None:
    _, post = webhook
    assert await post({"update_id": "12"}) == 400


async def test_a_press_handled_by_a_process_killed_before_it_finished_shows_the_screen_again(
    harness: Harness, sessions: SessionFactory, webhook: tuple[TelegramWebhook, Post]
) -> None:
    """The process stored the tap and answered the button, then died before marking the
    update done: Telegram's resend is handled again. The tap is not applied twice (the
    button's version is old now), the second answer to the press is refused by Telegram
    ("query is too old"), and Claire still gets her screen."""
    hook, post = webhook
    claire = await _at_the_actions_question(harness, sessions)
    update = _press_parks(harness, claire)
    await harness.dp.feed_raw_update(harness.bot, update)  # the process that then died
    await OtherProcess(hook, sessions).claims_it(update["update_id"], died=True)
    before = _answers_to(harness, claire)
    assert await post(update) == 200
    assert _answers_to(harness, claire) > before  # the current screen, shown again
    assert "Which actions?" in (harness.fake.last_message(claire.id).text or "")
    assert await _stored_answers(sessions) == [{"priority": "climate", "actions": ["parks"]}]
