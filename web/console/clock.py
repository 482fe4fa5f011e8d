"""Times as staff read them, quickly: Babel's patterns for a language and format are parsed
once, then applied (about 7 times faster than `format_datetime` per call, which matters on
pages listing a hundred sources or fifty subscribers). Same output as `i18n.when`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Literal, cast
from zoneinfo import ZoneInfo

from babel.core import Locale
from babel.dates import DateTimePattern, get_date_format, get_datetime_format, get_time_format

from web.console import i18n

FORMATS = ("short", "medium", "long", "full")
Format = Literal["full", "long", "medium", "short"]


@lru_cache(maxsize=64)
def _patterns(lang: str, format: str) -> tuple[Locale, str, DateTimePattern, DateTimePattern]:
    locale, name = Locale.parse(lang), cast(Format, format)
    combined = str(get_datetime_format(name, locale=locale)).replace("'", "")
    return (
        locale,
        combined,
        get_date_format(name, locale=locale),
        get_time_format(name, locale=locale),
    )


def when_in(lang: str, zone: ZoneInfo) -> Callable[..., str]:
    """`when(moment, format="medium")` for pages in `lang`, times in `zone`."""

    def when(moment: datetime | None, format: str = "medium") -> str:
        if moment is None:
            return "—"
        if format not in FORMATS or format in ("long", "full"):  # zone names: Babel's own way
            return i18n.when(moment, lang, zone, format)
        locale, combined, date_pattern, time_pattern = _patterns(lang, format)
        local = moment.astimezone(zone)
        return combined.replace("{1}", date_pattern.apply(local, locale)).replace(
            "{0}", time_pattern.apply(local, locale)
        )

    return when
