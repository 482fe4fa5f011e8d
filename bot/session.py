"""Build the aiogram `Bot` the product and the tests share.

The Bot API server is a setting (`AIVE_TELEGRAM_API_URL`): api.telegram.org in production, a
local Bot API server, or the fake server of the tests.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode


def make_bot(token: str, api_url: str) -> Bot:
    """Return a Bot that talks to the Bot API server at `api_url`, sending HTML by default.

    Raises `aiogram.utils.token.TokenValidationError` when `token` is not shaped like a bot
    token (`<digits>:<secret>`). The caller owns the Bot and must `await bot.session.close()`.
    """
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
    return Bot(
        token=token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
