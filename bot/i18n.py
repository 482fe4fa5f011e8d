"""Languages of the bot: gettext catalogs in bot/locales (domain `bot`), and who reads which."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from i18n.catalogs import Catalog
from i18n.languages import supported

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "bot"


def build_i18n(default_language: str) -> I18n:
    """Load the compiled catalogs; RuntimeError when a .po has no .mo (run `make catalogs`)."""
    from aiogram.utils.i18n import I18n

    return I18n(path=LOCALES, default_locale=default_language, domain=DOMAIN)


def choose_language(profile: str | None, telegram_code: str | None, default: str) -> str:
    """The profile's language, else Telegram's `language_code` when we speak it, else default."""
    return supported(profile) or supported(telegram_code) or default


def city_language(city_languages: Sequence[str]) -> str | None:
    """The first of a city's languages that the bot speaks (Barcelona: ca before es)."""
    for code in city_languages:
        if found := supported(code):
            return found
    return None


class FeatureCatalog(Catalog):
    """A feature's own gettext domain (bot/locales/<lang>/LC_MESSAGES/<domain>.po).

    Features keep their messages apart from `bot.po` so they can be written side by side;
    `text(message, lang)` translates into `lang`, or into the current aiogram locale.
    Mark messages with `catalog.text(...)` or a module-level `_ = catalog.text` alias; the
    catalog check (`python -m app.catalogs check`) finds any message left untranslated.
    """

    def __init__(self, domain: str) -> None:
        super().__init__(LOCALES, domain)

    def text(self, message: str, lang: str | None = None, **values: object) -> str:
        if lang is None:
            from aiogram.utils.i18n import I18n

            current = I18n.get_current(no_error=True)
            lang = current.current_locale if current is not None else "en"
        return super().text(message, lang, **values)
