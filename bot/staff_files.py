"""Files staff send the bot (a poll, café or consultation YAML with its command as caption)."""

from __future__ import annotations

import io
from enum import Enum

from aiogram import Bot
from aiogram.types import Document

MAX_FILE_BYTES = 256 * 1024


class FileProblem(Enum):
    too_large = "too_large"
    not_utf8 = "not_utf8"


async def yaml_source(
    bot: Bot, document: Document, max_bytes: int = MAX_FILE_BYTES
) -> str | FileProblem:
    """The document's text, or why it cannot be read (too large: not even downloaded)."""
    if (document.file_size or 0) > max_bytes:
        return FileProblem.too_large
    buffer = io.BytesIO()
    await bot.download(document, destination=buffer)
    data = buffer.getvalue()
    if len(data) > max_bytes:
        return FileProblem.too_large
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return FileProblem.not_utf8
