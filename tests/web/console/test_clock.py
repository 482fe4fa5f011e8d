"""The console pages' quick time format says exactly what `i18n.when` says, in every
language and format."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from web.console import i18n
from web.console.clock import when_in

MOMENTS = (datetime(2026, 12, 7, 3, 20, tzinfo=UTC), datetime(2026, 7, 1, 22, 5, tzinfo=UTC))


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("format", ["short", "medium", "long"])
def test_quick_times_match_babels(lang: str, format: str) -> None:
    zone = ZoneInfo("Europe/Madrid")
    when = when_in(lang, zone)
    for moment in MOMENTS:
        assert when(moment, format) == i18n.when(moment, lang, zone, format)
    assert when(None) == "—"
