"""Dates and numbers as a reader of a language writes them (Babel, CLDR data)."""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

from i18n.languages import DEFAULT_LANGUAGE, LANGUAGES, base_language


def babel_locale(language: str, *, ours_only: bool = False) -> Locale:
    """The Babel locale of `language` (`pt-BR` → `pt`); English for a code Babel does not
    know, or, with `ours_only`, for a language we do not speak."""
    code = base_language(language or DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE
    if ours_only and code not in LANGUAGES:
        code = DEFAULT_LANGUAGE
    try:
        return Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return Locale.parse(DEFAULT_LANGUAGE)


def long_date(day: date | datetime, language: str, *, ours_only: bool = False) -> str:
    """`30 novembre 2026`, `November 30, 2026`: a day in full words."""
    return format_date(day, "long", locale=babel_locale(language, ours_only=ours_only))


def number(value: float, language: str, *, ours_only: bool = False) -> str:
    """`1 234` (fr), `1,234` (en), `1.234` (es, pt, ca)."""
    return format_decimal(value, locale=babel_locale(language, ours_only=ours_only))
