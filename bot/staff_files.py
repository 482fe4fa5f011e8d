"""Files staff send the bot: a poll, café or consultation YAML with its command as caption.

One handler, `receive_yaml_file`, serves every feature: it downloads the document (refusing one
too large or not UTF-8), hands the text to the feature's `YamlFile.accept`, and answers with the
feature's replies, or with its refusal sentence and the file's problems (`ProblemsError`).
A feature registers it with its own `YamlFile` as a filter, which passes itself to the handler:
`router.message.register(receive_yaml_file, Command("polls"), POLL_FILE)`.
"""

from __future__ import annotations

import html
import io
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.filters import Filter
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import BotConfig
from bot.i18n import FeatureCatalog
from engagement.problems import Problem, ProblemsError
from storage.people import Person

MAX_FILE_BYTES = 256 * 1024
MESSAGE_LIMIT = 4000  # under Telegram's 4,096 characters, with room for tags
definitions = FeatureCatalog("definitions")  # the reasons of engagement.problems

Reply = tuple[str, InlineKeyboardMarkup | None]


@dataclass(frozen=True)
class Upload:
    """Who sent a file, and what the feature's `accept` needs besides its text."""

    session: AsyncSession
    person: Person
    config: BotConfig
    lang: str


@dataclass(frozen=True)
class YamlFile(Filter):
    """A kind of staff file: the feature's sentences (in `lang`) and what it does with the text.

    As a filter it matches a message with a document and hands itself to the handler."""

    too_large: Callable[[str], str]  # "This file is too large for a poll (256 KB at most)."
    refused: Callable[[str], str]  # "The poll was not created:"
    accept: Callable[[str, Upload], Awaitable[Sequence[Reply]]]  # raises ProblemsError

    async def __call__(self, message: Message) -> bool | dict[str, Any]:
        return {"yaml_file": self} if message.document is not None else False


async def receive_yaml_file(
    message: Message,
    yaml_file: YamlFile,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
    config: BotConfig,
    bot: Bot,
) -> None:
    """A staff file: read it, let the feature act on it, answer what happened."""
    lang = i18n.current_locale
    source = await yaml_document(bot, message, yaml_file.too_large(lang))
    if source is None:
        return
    try:
        replies = await yaml_file.accept(source, Upload(session, person, config, lang))
    except ProblemsError as exc:
        await session.rollback()
        await refuse_file(message, yaml_file.refused(lang), exc.problems, lang)
        return
    for text, markup in replies:
        await message.answer(text, reply_markup=markup)


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
