"""Kit inputs are validated, texts fall back sensibly, and declared dates are read."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from campaigns.kit import KitError, KitInput
from campaigns.kit.content import in_language, kit_texts
from campaigns.kit.inputs import parse_activity_date


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"year": 1999}, "out of range"),
        ({"languages": ("de",)}, "kit languages"),
        ({"languages": ()}, "kit languages"),
        ({"url": "javascript:alert(1)"}, "an http"),
        ({"generated_at": datetime(2026, 1, 1)}, "aware"),  # noqa: DTZ001
    ],
)
def test_bad_inputs_are_refused_with_a_reason(changes: dict[str, object], message: str) -> None:
    with pytest.raises(KitError, match=message):
        KitInput(**{"year": 2026, **changes})  # type: ignore[arg-type]


def test_a_text_falls_back_to_english_then_the_first_given() -> None:
    assert in_language({"en": "Theme", "fr": "Thème"}, "fr") == "Thème"
    assert in_language({"en": "Theme", "fr": " "}, "fr") == "Theme"
    assert in_language({"es": "Tema"}, "ca") == "Tema"
    assert in_language({}, "ca") == ""


def test_texts_are_translated_and_dated_in_each_language() -> None:
    kit = KitInput(year=2026, theme={"en": "Care"})
    es = kit_texts(kit, "es")
    assert es.day_name == "Día Internacional de la Ciudad Educadora"
    assert es.date_label == "30 de noviembre de 2026"
    assert es.theme_sentence == "Tema de este año: Care."
    assert kit_texts(kit, "fr").date_label == "30 novembre 2026"
    assert kit_texts(KitInput(year=2026), "pt").title == "Dia Internacional da Cidade Educadora"
    assert kit_texts(KitInput(year=2026), "en").activities_sentence == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30", date(2026, 11, 30)),
        ("30/11/2026", date(2026, 11, 30)),
        ("29.11", date(2026, 11, 29)),
        ("1-12-26", date(2026, 12, 1)),
        ("30 de noviembre", date(2026, 11, 30)),
        ("dissabte 28 de novembre", date(2026, 11, 28)),
        ("le 2 décembre à 18h", date(2026, 12, 2)),
        ("November 30th", date(2026, 11, 30)),
        ("31/11/2026", None),
        ("fim de novembro", None),
        ("", None),
    ],
)
def test_declared_dates_are_read_when_they_can_be(text: str, expected: date | None) -> None:
    assert parse_activity_date(text, 2026) == expected
