"""The bot's @username for links: asked from Telegram once, asked again after a failure."""

from __future__ import annotations

from bot.identity import RETRY_SECONDS, BotUsername
from tests.fakes.telegram import FakeTelegram


async def test_the_username_is_asked_once_and_remembered(fake_telegram: FakeTelegram) -> None:
    username = BotUsername(fake_telegram.token, fake_telegram.url)
    assert await username.get() == "aive_test_bot"
    assert await username.get() == "aive_test_bot"
    assert len(fake_telegram.calls_to("getMe")) == 1


async def test_without_a_token_there_is_no_username_and_no_call(
    fake_telegram: FakeTelegram,
) -> None:
    assert await BotUsername(None, fake_telegram.url).get() is None
    assert fake_telegram.calls_to("getMe") == []


async def test_telegram_failing_gives_none_then_it_is_asked_again_later(
    fake_telegram: FakeTelegram,
) -> None:
    now = [1000.0]
    fake_telegram.fail_with_retry_after(30, method="getMe")
    username = BotUsername(fake_telegram.token, fake_telegram.url, clock=lambda: now[0])
    assert await username.get() is None
    now[0] += RETRY_SECONDS / 2
    assert await username.get() is None  # not asked again this soon
    assert len(fake_telegram.calls_to("getMe")) == 1
    now[0] += RETRY_SECONDS
    assert await username.get() == "aive_test_bot"
    assert len(fake_telegram.calls_to("getMe")) == 2


async def test_telegram_down_gives_none(fake_telegram: FakeTelegram) -> None:
    await fake_telegram.close()
    assert await BotUsername(fake_telegram.token, fake_telegram.url).get() is None
