"""Refusals read as one translated sentence in the person's language."""

from __future__ import annotations

import pytest

from engagement.consultations.errors import AnswerError, InvalidAnswer, Refusal
from engagement.consultations.messages import (
    explain_answer,
    explain_refusal,
    range_words,
    translate,
)


def test_limits_are_filled_in_and_translated() -> None:
    error = InvalidAnswer(AnswerError.too_many_choices, max_choices=2)
    assert explain_answer(error, "fr") == "Vous pouvez choisir au plus 2 options."
    assert explain_answer(error, "en") == "You can choose at most 2 options."
    scale = InvalidAnswer(AnswerError.out_of_range, min=1, max=5)
    assert explain_answer(scale, "ca") == "Indiqueu un nombre d'1 a 5."


def test_open_ended_range_says_at_least() -> None:
    error = InvalidAnswer(AnswerError.out_of_range, min=0, max=None)
    assert explain_answer(error, "es") == "Indique un número de al menos 0."


def test_unknown_language_falls_back_to_english() -> None:
    assert explain_refusal(Refusal.closed, "de") == (
        "This consultation is closed; answers can no longer be changed."
    )
    assert explain_refusal(Refusal.closed, "pt-BR").startswith("Esta consulta está encerrada")


@pytest.mark.parametrize("lang", ["en", "fr", "es", "pt", "ca"])
def test_every_code_has_a_message(lang: str) -> None:
    params = {"max_choices": 2, "min": 1, "max": 5, "length": 30, "max_length": 20}
    for code in AnswerError:
        assert explain_answer(InvalidAnswer(code, **params), lang)
    for reason in Refusal:
        assert explain_refusal(reason, lang)


def test_catalan_elides_before_one_and_eleven_in_ranges() -> None:
    scale = translate("From %(min)s (lowest) to %(max)s (highest).", "ca")
    assert (
        scale % {"min": 1, "max": 5, **range_words(1, 5)} == "D'1 (el més baix) al 5 (el més alt)."
    )
    assert scale % {"min": 0, "max": 11, **range_words(0, 11)} == (
        "De 0 (el més baix) a l'11 (el més alt)."
    )
    refused = InvalidAnswer(AnswerError.out_of_range, min=1, max=10)
    assert explain_answer(refused, "ca") == "Indiqueu un nombre d'1 a 10."
    assert explain_answer(refused, "es") == "Indique un número de 1 a 10."
