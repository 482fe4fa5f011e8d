"""The poll YAML: a good file, and each kind of mistake reported with its path (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engagement.polls.errors import PollDefinitionError
from engagement.polls.schema import load_poll, reader_language

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
GOOD = """
slug: theme-2027
question: {en: "Which theme?", fr: "Quel thème ?"}
options:
  - {id: a, text: {en: Inclusion, fr: Inclusion}}
  - {id: b, text: {en: Climate, fr: Climat}}
audience: youth
networks: [spain]
multiple_answers: true
closes_at: 2026-11-20T23:59:00+01:00
"""


def errors_of(source: str, **kwargs: object) -> list[str]:
    with pytest.raises(PollDefinitionError) as caught:
        load_poll(source, now=NOW, **kwargs)  # type: ignore[arg-type]
    return caught.value.errors


def test_a_good_poll_is_read_with_its_languages_in_utc() -> None:
    poll = load_poll(GOOD, known_networks=["spain"], now=NOW)
    assert poll.languages == ["en", "fr"] and poll.option_ids == ["a", "b"]
    assert poll.closes_at == datetime(2026, 11, 20, 22, 59, tzinfo=UTC)
    assert (poll.anonymous, poll.multiple_answers, poll.audience.value) == (False, True, "youth")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("audience: youth", "audience: mayors"), "audience: must be one of"),
        (("slug: theme-2027", "slug: Theme 2027"), "slug: must be lowercase letters"),
        (
            ("  - {id: b, text: {en: Climate, fr: Climat}}", "  - {id: b, text: {en: Climate}}"),
            "options[1].text.fr: missing (the question is asked in fr",
        ),
        (
            ("{en: Climate, fr: Climat}", "{en: Climate, fr: Climat, es: Clima}"),
            "options[1].text.es: the question has no es text",
        ),
        (("{id: b,", "{id: a,"), "options[1].id: duplicate option id 'a' (also options[0])"),
        (("{id: b,", "{id: 'b c',"), "options[1].id: must be 1 to 32 letters"),
        (("+01:00", ""), "closes_at: must include a UTC offset"),
        (("2026-11-20", "2026-10-20"), "closes_at: must be in the future"),
        (("multiple_answers: true", "multiple_answers: maybe"), "multiple_answers: must be true"),
        (("networks: [spain]", "networks: [mars]"), "networks[0]: unknown network 'mars'"),
        (("audience: youth", "audience: youth\ncolour: red"), "colour: unknown field"),
        (('"Which theme?"', '"' + "?" * 301 + '"'), "question.en: at most 300 characters"),
        (("en: Inclusion,", "en: " + "x" * 101 + ","), "options[0].text.en: at most 100"),
        (("question: {", "question: {de: Thema, "), "options[0].text.de: missing"),
    ],
)
def test_each_mistake_is_reported_with_its_path(change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in GOOD
    errors = errors_of(GOOD.replace(old, new, 1), known_networks=["spain"])
    assert any(e.startswith(expected) for e in errors), errors


def test_option_counts_outside_two_to_ten_are_refused() -> None:
    one = GOOD.replace("  - {id: b, text: {en: Climate, fr: Climat}}\n", "")
    assert "options: must list 2 to 10 options" in errors_of(one)
    eleven = "".join(f"  - {{id: o{i}, text: {{en: E{i}, fr: F{i}}}}}\n" for i in range(11))
    many = GOOD.replace(
        "  - {id: a, text: {en: Inclusion, fr: Inclusion}}\n"
        "  - {id: b, text: {en: Climate, fr: Climat}}\n",
        eleven,
    )
    assert "options: must list 2 to 10 options" in errors_of(many)


def test_every_problem_is_reported_at_once_and_broken_yaml_names_its_line() -> None:
    errors = errors_of(GOOD.replace("audience: youth", "").replace("slug: theme-2027", "slug: X"))
    assert len(errors) == 2 and errors[0].startswith("slug:") and errors[1] == "audience: missing"
    assert errors_of("question: [unclosed")[0].startswith("yaml: line 1")
    assert errors_of("- just\n- a list") == [
        "(document): must be a mapping with slug, question, options…"
    ]


def test_a_reader_gets_their_language_else_english_else_the_first() -> None:
    assert reader_language(["en", "ca"], "ca") == "ca"
    assert reader_language(["en", "ca"], "pt") == "en"
    assert reader_language(["fr", "ca"], "pt") == "fr"
    assert reader_language(["pt"], "pt-BR") == "pt"


def test_the_example_in_examples_polls_is_valid() -> None:
    from pathlib import Path

    example = Path(__file__).resolve().parents[3] / "examples" / "polls" / "theme-2027.yaml"
    poll = load_poll(example.read_text(encoding="utf-8"), known_networks=["spain", "portugal"])
    assert poll.languages == ["en", "ca", "es", "fr", "pt"] and len(poll.options) == 3
