"""The console's languages: the `console` gettext domain (web/locales), the staff member's
choice, and dates and numbers in their locale, times in the secretariat's timezone."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.core import Locale
from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "pt", "ca")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "pt": "Português",
    "ca": "Català",
}


# The console's messages, in several domains read as one: `console_core` (the frame, sign-in,
# staff, audit, dashboard), `console` (bulletins, subscribers, feeds), and one per page family of
# the second part. The first domain that translates a message wins.
DOMAINS = (
    "console",
    "console_core",
    "console_cafes",
    "console_campaign",
    "console_consultations",
    "console_networks",
    "console_people",
    "console_youth",
)


# A short word reads differently on each page family ("open" is a consultation's, feminine in
# French, or a poll's, masculine): a page's own domain answers first, then the others in order.
PAGE_DOMAINS: dict[str, str] = {
    **dict.fromkeys(
        ("consultations", "consultation_results", "consultation_exports"), "console_consultations"
    ),
    **dict.fromkeys(("representatives", "invites", "polls"), "console_people"),
    **dict.fromkeys(("cafes", "cafe_people", "cafe_report", "cafe_certificates"), "console_cafes"),
    **dict.fromkeys(("youth_queue", "youth_media", "youth_decisions"), "console_youth"),
    **dict.fromkeys(
        ("campaign", "campaign_steps", "declaration", "kit", "campaign_report", "broadcasts"),
        "console_campaign",
    ),
    **dict.fromkeys(("networks", "cities"), "console_networks"),
}


def page_domain(module: str) -> str | None:
    """The gettext domain of the console page module `module` (`web.console.cafes`), if it has
    one of its own."""
    return PAGE_DOMAINS.get(module.rpartition(".")[2])


@lru_cache(maxsize=len(LANGUAGES) * (len(DOMAINS) + 1))
def translations(lang: str, first: str | None = None) -> NullTranslations:
    """The compiled catalogs of `lang`, chained (English source strings when missing); the
    domain `first`, when given, is asked before the others."""
    order = DOMAINS if first is None else (first, *(d for d in DOMAINS if d != first))
    chain: NullTranslations = NullTranslations()
    for domain in reversed(order):
        found = Translations.load(str(LOCALES_DIR), [lang], domain=domain)
        if isinstance(found, Translations):
            found.add_fallback(chain)
            chain = found
    return chain


class English(str):
    """A message that stays in English (a domain error's text, a network's answer): pages show it
    with `lang="en"` behind a lead sentence in the reader's language (`rendering.show_error`)."""


def lgettext(lang: str, message: str, **values: object) -> str:
    """`message` in `lang`, `%(name)s` filled from `values`."""
    text = translations(lang).gettext(message)
    return text % values if values else text


def lngettext(lang: str, singular: str, plural: str, n: int, **values: object) -> str:
    text = translations(lang).ngettext(singular, plural, n)
    return text % ({"num": n} | values)


def supported(lang: str | None) -> str | None:
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def when(moment: datetime | None, lang: str, zone: ZoneInfo, format: str = "medium") -> str:
    """A time as staff read it: in the secretariat's timezone, in their language."""
    if moment is None:
        return "—"
    return format_datetime(moment.astimezone(zone), format=format, tzinfo=zone, locale=lang)


def number(value: float | int, lang: str) -> str:
    return format_decimal(value, locale=Locale.parse(lang))


def percent(value: float, lang: str) -> str:
    return format_percent(value, locale=Locale.parse(lang))
