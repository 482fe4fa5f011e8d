"""Files staff send the bot (a poll, café or consultation YAML with its command as caption)."""

from __future__ import annotations

import html
import io
from collections.abc import Sequence

from aiogram import Bot
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.i18n import FeatureCatalog
from engagement.problems import Problem

MAX_FILE_BYTES = 256 * 1024
MESSAGE_LIMIT = 4000  # under Telegram's 4,096 characters, with room for tags
definitions = FeatureCatalog("definitions")  # the reasons of engagement.problems


def problem_lines(problems: Sequence[Problem], lang: str, limit: int = 30) -> str:
    """The first `limit` problems of a file, one per line in `lang`, escaped for HTML."""
    gettext = definitions.translations(lang).gettext
    return "\n".join(html.escape(problem.translated(gettext)) for problem in problems[:limit])


async def refuse_file(
    message: Message, refused: str, problems: Sequence[Problem], lang: str
) -> None:
    """Answer a file that was refused: `refused` (the feature's sentence), then its problems."""
    await message.answer((refused + "\n" + problem_lines(problems, lang))[:MESSAGE_LIMIT])


async def yaml_document(
    bot: Bot, message: Message, too_large: str, max_bytes: int = MAX_FILE_BYTES
) -> str | None:
    """The text of the document in `message`; None after telling the sender what is wrong
    (`too_large`, said in the feature's words, or: not UTF-8 text). A file announced as too
    large is not even downloaded."""
    document = message.document
    if document is None:
        return None
    if (document.file_size or 0) > max_bytes:
        await message.answer(too_large)
        return None
    buffer = io.BytesIO()
    await bot.download(document, destination=buffer)
    data = buffer.getvalue()
    if len(data) > max_bytes:
        await message.answer(too_large)
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        await message.answer(_("The file must be YAML text in UTF-8."))
        return None
