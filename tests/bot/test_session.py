"""make_bot: the product's Bot talks to the configured Bot API server."""

from __future__ import annotations

import pytest
from aiogram.utils.token import TokenValidationError

from bot.session import make_bot
from tests.fakes.telegram import FakeTelegram


async def test_bot_reaches_the_server_named_by_the_setting(fake_telegram: FakeTelegram) -> None:
    bot = make_bot(fake_telegram.token, fake_telegram.url + "/")
    try:
        me = await bot.get_me()
    finally:
        await bot.session.close()
    assert me.username == "aive_test_bot"
    assert [c.method for c in fake_telegram.calls] == ["getMe"]


def test_malformed_token_is_refused_before_any_request() -> None:
    with pytest.raises(TokenValidationError):
        make_bot("not-a-token", "http://127.0.0.1:9")
