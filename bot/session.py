"""Build the aiogram `Bot` the product and the tests share.

The Bot API server is a setting (`AIVE_TELEGRAM_API_URL`): api.telegram.org in production, a
local Bot API server, or the fake server of the tests.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import Response
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)

# aiogram reads every answer through the generic model `Response[<the method's result type>]`.
# pydantic keeps parametrized models in a weak cache, so the garbage collector drops them and
# the next call builds the model again: about 8 ms of CPU, measured on a third of the calls in
# benchmarks/bot.py. A strong reference per result type keeps each one built once.
_RESPONSE_TYPES: dict[Any, Any] = {}


class _Session(AiohttpSession):
    def check_response(
        self, bot: Bot, method: TelegramMethod[Any], status_code: int, content: str
    ) -> Response[Any]:
        returning = method.__returning__
        if returning not in _RESPONSE_TYPES:
            _RESPONSE_TYPES[returning] = Response[returning]  # type: ignore[valid-type]
        return super().check_response(bot, method, status_code, content)


class _AnsweredQueries(BaseRequestMiddleware):
    """A button press can be answered once: the second answer is refused as "query is too
    old". That happens when an update is handled again after its process died between
    answering the press and finishing (Telegram resent it); the handler must go on to show
    the current screen, so the refusal is logged, not raised."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as refused:
            if not isinstance(method, AnswerCallbackQuery) or "query is too old" not in str(
                refused
            ):
                raise
            log.info("button press %s answered already or expired", method.callback_query_id)
            return True


def make_bot(token: str, api_url: str) -> Bot:
    """Return a Bot that talks to the Bot API server at `api_url`, sending HTML by default.

    Raises `aiogram.utils.token.TokenValidationError` when `token` is not shaped like a bot
    token (`<digits>:<secret>`). The caller owns the Bot and must `await bot.session.close()`.
    """
    session = _Session(api=TelegramAPIServer.from_base(api_url))
    session.middleware(_AnsweredQueries())
    return Bot(
        token=token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
