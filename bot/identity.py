"""The bot's @username, for links that open a chat with it (`https://t.me/<username>?start=…`).

Asked from Telegram (getMe) the first time a link is needed and remembered; without a token
there is none, and while Telegram cannot be reached the answer is None and asked again later.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from aiogram.exceptions import TelegramAPIError

from bot.session import make_bot

log = logging.getLogger(__name__)
RETRY_SECONDS = 60.0
TIMEOUT_SECONDS = 5.0


class BotUsername:
    """`await get()` -> the username, or None (no token, or Telegram unreachable just now)."""

    def __init__(
        self,
        token: str | None,
        api_url: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._token = token
        self._api_url = api_url
        self._clock = clock
        self._username: str | None = None
        self._failed_at: float | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> str | None:
        if self._username or self._token is None:
            return self._username
        async with self._lock:
            if self._username:
                return self._username
            if self._failed_at is not None and self._clock() - self._failed_at < RETRY_SECONDS:
                return None
            try:
                self._username = await self._ask(self._token)
            except (TelegramAPIError, OSError, TimeoutError) as exc:
                self._failed_at = self._clock()
                log.warning("could not ask Telegram for the bot's username: %s", exc)
            return self._username

    async def _ask(self, token: str) -> str | None:
        bot = make_bot(token, self._api_url)
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                me = await bot.get_me()
        finally:
            await bot.session.close()
        return me.username or None
