"""An outbox row's content as a Telegram message: text, poll, photo or document with its
buttons. A local (or inline) file is uploaded by a broadcast's first message; the others reuse
the file_id Telegram gave it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram import Bot
from aiogram.types import (
    BufferedInputFile,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputPollOption,
    Message,
)

from outbox.content import Content, inline_bytes
from storage.broadcasts import BroadcastKind


class TelegramMessages:
    """Sends contents through one aiogram Bot, remembering uploaded files per broadcast."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._file_ids: dict[int, str] = {}

    async def send(self, chat: int, broadcast_id: int, content: Content) -> Message:
        """Send `content` to `chat`; aiogram's errors pass through (the sender sorts them)."""
        markup = reply_markup(content)
        if content.kind == BroadcastKind.text:
            assert content.text is not None
            return await self.bot.send_message(chat, content.text, reply_markup=markup)
        if content.kind == BroadcastKind.poll:
            assert content.text is not None
            return await self.bot.send_poll(
                chat,
                content.text,
                options=[InputPollOption(text=o) for o in content.options],
                is_anonymous=content.is_anonymous,
                allows_multiple_answers=content.allows_multiple_answers,
            )
        assert content.file is not None
        file = self._file_for(broadcast_id, content.file)
        if content.kind == BroadcastKind.photo:
            return await self.bot.send_photo(chat, file, caption=content.text, reply_markup=markup)
        return await self.bot.send_document(chat, file, caption=content.text, reply_markup=markup)

    def needs_upload(
        self, broadcast_id: int, kind: BroadcastKind, payload: Mapping[str, Any]
    ) -> bool:
        """A local (or inline) file not uploaded yet for this broadcast."""
        file = payload.get("file")
        return (
            kind in (BroadcastKind.photo, BroadcastKind.document)
            and isinstance(file, Mapping)
            and ("path" in file or "data" in file)
            and broadcast_id not in self._file_ids
        )

    def _file_for(
        self, broadcast_id: int, file: Mapping[str, str]
    ) -> str | FSInputFile | BufferedInputFile:
        """Upload a local (or inline) file once; later messages reuse Telegram's file_id."""
        if cached := self._file_ids.get(broadcast_id):
            return cached
        if "file_id" in file:
            return file["file_id"]
        if "url" in file:
            return file["url"]
        if "data" in file:
            return BufferedInputFile(inline_bytes(file), filename=file.get("filename", "file"))
        return FSInputFile(file["path"])

    def remember_file(self, broadcast_id: int, message: Message) -> None:
        if message.photo:
            self._file_ids.setdefault(broadcast_id, message.photo[-1].file_id)
        elif message.document:
            self._file_ids.setdefault(broadcast_id, message.document.file_id)


def reply_markup(content: Content) -> InlineKeyboardMarkup | None:
    """The inline keyboard of the content's buttons (None without buttons)."""
    if not content.buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=b.text, callback_data=b.callback_data, url=b.url)
                for b in row
            ]
            for row in content.buttons
        ]
    )
