"""A real aiogram Bot and our Dispatcher, talking to the fake Telegram over HTTP.

Updates the fake queues are fed to the dispatcher one by one (`await harness.process()`), so
each test reads like a conversation and runs in milliseconds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass

import pytest
from aiogram import Bot, Dispatcher, Router
from sqlalchemy import select

from app.people import grant_staff
from bot.config import BotConfig
from bot.dispatcher import build_dispatcher
from bot.flood import FloodGuard
from storage.engine import SessionFactory
from storage.networks import City
from storage.people import Person
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_objects import FakeMessage, FakeUser

SIGNING_KEY = "test-signing-key"


@dataclass
class Harness:
    fake: FakeTelegram
    bot: Bot
    dp: Dispatcher
    sessions: SessionFactory
    config: BotConfig

    async def process(self) -> None:
        """Feed every update waiting at the fake to the dispatcher, in order."""
        pending = self.fake.world.updates.pending
        while pending:
            await self.dp.feed_raw_update(self.bot, pending.pop(0))

    async def say(self, user: FakeUser, text: str) -> FakeMessage:
        """The user writes `text`; returns the bot's last message to them."""
        self.fake.user_sends_text(user, text)
        await self.process()
        return self.fake.last_message(user.id)

    async def press(self, user: FakeUser, message: FakeMessage, callback_data: str) -> None:
        self.fake.user_presses_button(user, message, callback_data)
        await self.process()

    def texts(self, user: FakeUser) -> list[str]:
        return [m.text or "" for m in self.fake.sent_messages(user.id)]

    async def person(self, user: FakeUser) -> Person | None:
        async with self.sessions() as session:
            return await session.scalar(select(Person).where(Person.telegram_id == user.id))

    async def make_staff(self, user: FakeUser) -> None:
        async with self.sessions() as session:
            await grant_staff(session, user.id, actor="test")
            await session.commit()

    async def add_city(self, name: str, country: str, languages: Sequence[str]) -> City:
        async with self.sessions() as session:
            city = City(name=name, country=country, languages=list(languages))
            session.add(city)
            await session.commit()
            return city


HarnessFactory = Callable[..., Harness]


@pytest.fixture
async def make_harness(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> AsyncIterator[HarnessFactory]:
    built: list[Dispatcher] = []

    def factory(
        routers: Sequence[Router] = (),
        flood_guard: FloodGuard | None = None,
        tap_guard: FloodGuard | None = None,
    ) -> Harness:
        config = BotConfig(
            token=fake_telegram.token,
            api_url=fake_telegram.url,
            signing_key=SIGNING_KEY,
            flood_burst=1000,
        )
        dp = build_dispatcher(
            config, sessions, routers=routers, flood_guard=flood_guard, tap_guard=tap_guard
        )
        built.append(dp)
        return Harness(fake_telegram, telegram_bot, dp, sessions, config)

    yield factory
    for dp in built:
        await dp.storage.close()


@pytest.fixture
def harness(make_harness: HarnessFactory) -> Harness:
    return make_harness()


def button_data(message: FakeMessage, label_part: str) -> str:
    """The callback_data of the button whose label contains `label_part`."""
    for button in message.buttons:
        if label_part in button.get("text", ""):
            return str(button["callback_data"])
    labels = [b.get("text") for b in message.buttons]
    raise AssertionError(f"no button with {label_part!r} in {labels}")
