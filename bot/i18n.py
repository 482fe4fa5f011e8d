"""Languages of the bot: gettext catalogs in bot/locales (domain `bot`), and who reads which."""

from __future__ import annotations

import functools
import gettext
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import SUPPORTED_LANGUAGES

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

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
    from aiogram.utils.i18n import I18n

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


class FeatureCatalog:
    """A feature's own gettext domain (bot/locales/<lang>/LC_MESSAGES/<domain>.po).

    Features keep their messages apart from `bot.po` so they can be written side by side;
    `text(message, lang)` translates into `lang`, or into the current aiogram locale.
    Mark messages with `catalog.text(...)` or a module-level `_ = catalog.text` alias; the
    catalog check (`python -m app.catalogs check`) finds any message left untranslated.
    """

    def __init__(self, domain: str) -> None:
        self.domain = domain

    def translations(self, lang: str) -> gettext.NullTranslations:
        return _translations(self.domain, supported(lang) or "en")

    def text(self, message: str, lang: str | None = None, **values: object) -> str:
        if lang is None:
            from aiogram.utils.i18n import I18n

            current = I18n.get_current(no_error=True)
            lang = current.current_locale if current is not None else "en"
        translated = self.translations(lang).gettext(message)
        return translated % values if values else translated


@functools.cache
def _translations(domain: str, lang: str) -> gettext.NullTranslations:
    try:
        return gettext.translation(domain, localedir=LOCALES, languages=[lang])
    except FileNotFoundError:
        if (LOCALES / lang / "LC_MESSAGES" / f"{domain}.po").exists():
            raise RuntimeError(
                f"catalog {domain} ({lang}) is not compiled: run `python -m app.catalogs compile`"
            ) from None
        return gettext.NullTranslations()
