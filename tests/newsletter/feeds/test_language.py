import csv
import dataclasses
from pathlib import Path

import pytest

from newsletter.feeds.language import (
    UNDETERMINED,
    Detector,
    Guess,
    detect_language,
    detector_for,
    normalize_language_code,
)

EVAL_SET = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "language_eval.tsv"

FRENCH = (
    "La médiathèque municipale organise un atelier d'écriture pour les adolescents pendant "
    "les vacances scolaires. L'entrée est libre."
)
SPANISH = "El ayuntamiento abre las inscripciones de los talleres de verano para los jóvenes."
DUTCH = "De gemeente organiseert zaterdag een schrijfworkshop voor jongeren in de bibliotheek."


def eval_rows(kind: str, every: int) -> list[tuple[str, str]]:
    with EVAL_SET.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    picked = [(r["lang"], r["text"]) for r in rows if r["kind"] == kind]
    return picked[::every]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("pt-BR", "pt"),
        ("es-ES", "es"),
        ("PT_br", "pt"),
        ("  EN  ", "en"),
        ("fr", "fr"),
        ("ca-ES-valencia", "ca"),
        ("", None),
        ("  ", None),
        ("12", None),
        ("français", None),
    ],
)
def test_language_codes_from_feeds_are_normalized(code: str, expected: str | None) -> None:
    assert normalize_language_code(code) == expected


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("pt-BR", "pt"),
        ("es-ES", "es"),
        ("PT_br", "pt"),
        (" it ", "it"),
        ("por", "pt"),
        ("KO", "ko"),
    ],
)
def test_a_hint_in_any_usual_spelling_names_its_language(hint: str, expected: str) -> None:
    assert detect_language("", [hint]).lang == expected


def test_the_first_supported_hint_wins_and_others_are_skipped() -> None:
    assert detect_language("", ["ru", "xx-YY", "", "ca", "fr"]).lang == "ca"
    assert detect_language("ok", ("zh-Hans", "en-GB")).lang == "en"


def test_unsupported_hints_alone_give_und() -> None:
    assert detect_language("", ["ru", "nl-BE", "zh"]) == Guess(UNDETERMINED, 0.0)


def test_a_lone_hint_string_is_taken_as_one_hint() -> None:
    assert detect_language("", "pt-BR").lang == "pt"


@pytest.mark.parametrize(
    "text",
    [
        DUTCH,
        "Урок литературы для подростков пройдёт в библиотеке в субботу утром.",
        "Kommunen arrangerar en skrivarverkstad för ungdomar i biblioteket på lördag.",
    ],
)
def test_text_in_an_unsupported_language_gives_und(text: str) -> None:
    assert detect_language(text).lang == UNDETERMINED


def test_supported_languages_can_be_narrowed() -> None:
    german = "Die Stadtbibliothek lädt alle Jugendlichen am Samstag zu einer Schreibwerkstatt ein."
    assert detect_language(german).lang == "de"
    assert detect_language(german, supported=["fr", "en"]).lang == UNDETERMINED
    assert detect_language("", ["de"], supported=["fr", "en"]).lang == UNDETERMINED


@pytest.mark.parametrize(
    "supported", [["fr"], ["fr", "fr"], ["xx", "fr"], ["fr", "tlh"], ["fr", ""]]
)
def test_a_detector_refuses_a_bad_language_list(supported: list[str]) -> None:
    with pytest.raises(ValueError):
        Detector(supported)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "🎉🎉👍",
        "https://www.example.org/news/2026/item?id=3",
        "www.bcn.cat 2026 !!",
        "12:30",
    ],
)
def test_text_without_words_takes_the_hint_or_gives_und(text: str) -> None:
    assert detect_language(text, ["es-ES"]).lang == "es"
    assert detect_language(text) == Guess(UNDETERMINED, 0.0)


@pytest.mark.parametrize(
    ("text", "hint"), [("Merci beaucoup", "ca"), ("Bona idea", "es"), ("Ok", "it")]
)
def test_a_short_text_falls_to_the_hint(text: str, hint: str) -> None:
    assert detect_language(text, [hint]).lang == hint


def test_a_short_text_without_hint_still_gets_a_guess() -> None:
    guess = detect_language("Muchas gracias")
    assert guess.lang == "es"
    assert 0 < guess.confidence <= 1


def test_a_long_clear_text_overrides_a_wrong_hint() -> None:
    assert detect_language(FRENCH, ["en"]).lang == "fr"
    assert detect_language(SPANISH, ["pt-BR"]).lang == "es"


def test_a_hint_the_text_agrees_with_is_more_trusted_than_one_it_contradicts() -> None:
    alone = detect_language("Moltes gràcies")
    agreeing = detect_language("Moltes gràcies", ["ca"])
    contradicted = detect_language("Moltes gràcies", ["fr"])
    assert (alone.lang, agreeing.lang, contradicted.lang) == ("ca", "ca", "fr")
    assert agreeing.confidence > alone.confidence > contradicted.confidence


def test_urls_do_not_sway_the_guess() -> None:
    text = "https://www.example.com/english/news Muchas gracias a todas las familias por venir"
    assert detect_language(text).lang == "es"


def test_same_text_gives_the_same_answer_every_time() -> None:
    texts = [FRENCH, SPANISH, DUTCH, "Bona idea", "Merci", "Què tal tot plegat amb els nens?"]
    first = [detect_language(t) for t in texts]
    for _ in range(3):
        assert [detect_language(t) for t in texts] == first
    fresh = Detector()
    assert [fresh.detect(t) for t in texts] == first


def test_confidence_is_between_zero_and_one() -> None:
    cases = [
        (FRENCH, ()),
        (FRENCH, ("fr",)),
        (FRENCH, ("de",)),
        ("Hi", ()),
        ("Hi", ("en",)),
        ("", ("fr",)),
        (DUTCH, ("nl",)),
    ]
    for text, hints in cases:
        confidence = detect_language(text, hints).confidence
        assert 0.0 <= confidence <= 1.0


def test_guess_is_immutable() -> None:
    guess = detect_language(FRENCH)
    with pytest.raises(dataclasses.FrozenInstanceError):
        guess.lang = "en"  # type: ignore[misc]


def test_sentences_of_the_evaluation_set_are_recognized() -> None:
    rows = eval_rows("sentence", every=4)
    right = sum(detect_language(text).lang == lang for lang, text in rows)
    assert right / len(rows) >= 0.95


def test_titles_and_replies_with_their_language_as_hint_are_recognized() -> None:
    rows = eval_rows("title", every=4) + eval_rows("chat", every=4)
    right = sum(detect_language(text, [lang]).lang == lang for lang, text in rows)
    assert right / len(rows) >= 0.99


def test_two_word_replies_without_a_hint_are_mostly_recognized() -> None:
    # someone whose language we do not know yet answers in chat
    rows = eval_rows("chat", every=1)
    right = sum(detect_language(text).lang == lang for lang, text in rows)
    assert right / len(rows) >= 0.90


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Cap problema", "ca"), ("Vote sent", "en"), ("Que legal", "pt"), ("Para nada", "es")],
)
def test_short_replies_lingua_alone_gets_wrong_are_recognized(text: str, lang: str) -> None:
    detector = detector_for()
    lingua_best = max(detector.lingua_scores(text).items(), key=lambda kv: kv[1])[0]
    assert lingua_best != lang  # the second detector is what makes these right
    assert detect_language(text).lang == lang


def test_many_texts_at_once_get_the_answers_they_get_one_by_one() -> None:
    texts = [FRENCH, SPANISH, "Moltes gràcies", "", "Muchas gracias"]
    hints: list[list[str]] = [[], ["pt"], ["fr"], ["es"], []]
    detector = detector_for()
    assert detector.detect_many(texts, hints) == [
        detector.detect(t, h) for t, h in zip(texts, hints, strict=True)
    ]
    with pytest.raises(ValueError, match="one sequence of hints per text"):
        detector.detect_many(texts, hints[:2])


def test_long_texts_never_load_the_big_models_short_texts_need() -> None:
    detector = Detector(("fr", "es", "en"))
    assert detector.detect(FRENCH * 2).lang == "fr"
    assert detector._precise is None  # ~210 MB a worker ingesting articles never needs
    assert detector.detect("Merci beaucoup").lang == "fr"
    assert detector._precise is not None
