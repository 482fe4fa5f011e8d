"""What the staff console asks of Telegram about youth ideas, through our own Bot: the bytes of
a photo or voice note (getFile, then the file download URL), and telling an author the decision
with the very words the bot's moderation uses (`bot.youth_notices.tell_author`).

The console (web/) never imports aiogram: it holds this object behind its `YouthDesk`
protocol; the composition root builds it from the token and AIVE_TELEGRAM_API_URL."""

from __future__ import annotations

import logging

import aiohttp
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import build_i18n
from bot.session import make_bot
from bot.youth_notices import tell_author
from engagement.youth.media import MediaUnavailable
from storage.people import Person
from storage.youth import YouthSubmission

log = logging.getLogger(__name__)
DOWNLOAD_TIMEOUT = 30  # seconds: a photo is at most 10 MB, a voice note 5 MB


class TelegramYouthDesk:
    """One Bot, made when first needed and closed with `close()`."""

    def __init__(self, token: str, api_url: str, default_language: str) -> None:
        self._token, self._api_url = token, api_url
        self._default_language = default_language
        self._bot: Bot | None = None
        self._i18n: I18n | None = None

    @property
    def bot(self) -> Bot:
        if self._bot is None:
            self._bot = make_bot(self._token, self._api_url)
        return self._bot

    @property
    def i18n(self) -> I18n:
        if self._i18n is None:
            self._i18n = build_i18n(self._default_language)
        return self._i18n

    async def download(self, file_id: str) -> bytes:
        """The file's bytes; MediaUnavailable when Telegram refuses or cannot be reached."""
        try:
            found = await self.bot.get_file(file_id)
            if not found.file_path:
                raise MediaUnavailable("Telegram gave no file path")
            data = await self.bot.download_file(found.file_path, timeout=DOWNLOAD_TIMEOUT)
        except (TelegramAPIError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("could not fetch a youth media file: %s", exc)
            raise MediaUnavailable(str(exc)) from exc
        assert data is not None  # without a destination, aiogram returns a BytesIO
        return data.read()

    async def tell_author(
        self, session: AsyncSession, author: Person | None, submission: YouthSubmission
    ) -> None:
        """The decision, in the author's language, as the bot says it (never raises when
        Telegram refuses: a blocked bot must not undo the decision)."""
        await tell_author(self.bot, session, self.i18n, author, submission)

    async def close(self) -> None:
        if self._bot is not None:
            await self._bot.session.close()
            self._bot = None
