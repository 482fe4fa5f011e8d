"""Languages of the bot: gettext catalogs in bot/locales (domain `bot`), and who reads which."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aiogram.utils.i18n import I18n

from bot.config import SUPPORTED_LANGUAGES

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "bot"
# each language named in itself, so a reader finds theirs whatever the current language
LANGUAGE_NAMES: dict[str, str] = {
    "ca": "Català",
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "pt": "Português",
}


def build_i18n(default_language: str) -> I18n:
    """Load the compiled catalogs; RuntimeError when a .po has no .mo (run `make catalogs`)."""
    return I18n(path=LOCALES, default_locale=default_language, domain=DOMAIN)


def supported(code: str | None) -> str | None:
    """Our language for a code like `pt-br` or `ca`, or None."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED_LANGUAGES else None


def choose_language(profile: str | None, telegram_code: str | None, default: str) -> str:
    """The profile's language, else Telegram's `language_code` when we speak it, else default."""
    return supported(profile) or supported(telegram_code) or default


def city_language(city_languages: Sequence[str]) -> str | None:
    """The first of a city's languages that the bot speaks (Barcelona: ca before es)."""
    for code in city_languages:
        if found := supported(code):
            return found
    return None
