"""Find the feed items that announce something for the International Day of Educating Cities.

Pure: text and dates in, a yes or no out. An item counts when its title or text names the Day
(in French, Spanish, English, Portuguese, Catalan or Italian, singular or plural, with or
without accents), or when it speaks of educating cities and of 30 November; and when it
happens or is published around the Day of the kit's year.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

WINDOW_BEFORE = timedelta(days=5)  # an event from 25 November …
WINDOW_AFTER = timedelta(days=5)  # … to 5 December belongs to the Day
FIRST_ANNOUNCEMENT_MONTH = 9  # items published from September on can announce the Day

_DAY = "(?:journee|jour|dia|day|giornata)"
_INTL = "(?:internationale?|internacional|international|internazionale)"
_OF = r"(?:\s+(?:de|des|du|of|the|da|das|do|dos|del|della|delle|la|les|las|los|l))*"
_CITY = (
    r"(?:villes?\s+educatrices?|ciudad(?:es)?\s+educadoras?|educating\s+cit(?:y|ies)"
    r"|cidades?\s+educadoras?|ciutats?\s+educador(?:a|es)|citta\s+educativ[ae]|citta\s+educanti?)"
)
_DAY_NAME = re.compile(
    rf"\b{_DAY}\s+{_INTL}{_OF}\s+{_CITY}\b"
    rf"|\b{_INTL}\s+{_DAY}{_OF}\s+{_CITY}\b"
    rf"|\b{_CITY}\s+{_INTL}\s+{_DAY}\b|\beducating\s+cities\s+day\b"
)
_EDUCATING_CITY = re.compile(rf"\b{_CITY}\b")
_NOVEMBER_30 = re.compile(
    r"\b30\s*(?:de\s+|d\s*)?(?:novembre|noviembre|november|novembro|nov)\b"
    r"|\bnovember\s+30(?:th)?\b|#30n\b|\b30/11\b"
)


def fold(text: str) -> str:
    """Lower case, no accents, apostrophes and dashes as spaces, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[’'`´\-‐–—_·.,:;!?¡¿()\"«»“”]", " ", plain.replace("#30", " #30"))
    return " ".join(plain.split())


def names_the_day(text: str) -> bool:
    """True when `text` names the International Day of Educating Cities in a known language."""
    return bool(_DAY_NAME.search(fold(text)))


def mentions_the_day(text: str) -> bool:
    """Names the Day, or speaks of educating cities and of 30 November."""
    folded = fold(text)
    if _DAY_NAME.search(folded):
        return True
    return bool(_EDUCATING_CITY.search(folded) and _NOVEMBER_30.search(folded))


def day_window(year: int) -> tuple[date, date]:
    """The days (inclusive) whose events belong to the Day of `year`."""
    day = date(year, 11, 30)
    return day - WINDOW_BEFORE, day + WINDOW_AFTER


def announces_day(
    title: str,
    text: str,
    *,
    year: int,
    published_at: datetime,
    event_date: date | None = None,
) -> bool:
    """Whether a feed item announces something for the Day of `year`.

    The item must mention the Day (`mentions_the_day`) and either happen within the Day's
    window, or, without a known event date, be published from September of `year` to the end
    of the window (so a report on last year's Day is not taken for this year's).
    """
    if not mentions_the_day(f"{title}\n{text}"):
        return False
    first, last = day_window(year)
    if event_date is not None:
        return first <= event_date <= last
    published = published_at.date()
    return date(year, FIRST_ANNOUNCEMENT_MONTH, 1) <= published <= last
