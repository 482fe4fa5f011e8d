"""The command menu Telegram shows, in each language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand
from aiogram.utils.i18n import I18n

from bot.config import SUPPORTED_LANGUAGES


def menu(i18n: I18n, locale: str) -> list[BotCommand]:
    return [
        BotCommand(
            command="start",
            description=i18n.gettext("Begin, or tell me who you are", locale=locale),
        ),
        BotCommand(command="help", description=i18n.gettext("What you can do here", locale=locale)),
        BotCommand(
            command="language", description=i18n.gettext("Change the language", locale=locale)
        ),
        BotCommand(
            command="timezone",
            description=i18n.gettext("Times in your timezone", locale=locale),
        ),
        BotCommand(
            command="privacy", description=i18n.gettext("What I keep about you", locale=locale)
        ),
        BotCommand(command="forget", description=i18n.gettext("Erase your data", locale=locale)),
    ]


async def publish_menu(bot: Bot, i18n: I18n) -> None:
    """Set the menu for every language, and the default one for everybody else."""
    await bot.set_my_commands(menu(i18n, i18n.default_locale))
    for locale in SUPPORTED_LANGUAGES:
        await bot.set_my_commands(menu(i18n, locale), language_code=locale)
