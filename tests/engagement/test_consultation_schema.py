"""The consultation YAML: every problem reported at once, each with its path and reason."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from engagement.consultations.definition_check import load_definition
from engagement.consultations.errors import DefinitionError
from engagement.consultations.schema import Definition, localized
from tests.engagement.consultation_samples import SAMPLE

EXAMPLE = Path(__file__).parents[3] / "examples/consultations/day-2026-declaration.yaml"


def errors_of(data: dict[str, Any] | str, networks: list[str] | None = None) -> list[str]:
    source = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    with pytest.raises(DefinitionError) as caught:
        load_definition(source, networks)
    assert str(caught.value).splitlines() == caught.value.errors
    return caught.value.errors


def base() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(SAMPLE))


def test_example_file_loads_in_five_languages_with_utc_times() -> None:
    definition = load_definition(EXAMPLE.read_text(encoding="utf-8"))
    assert definition.slug == "day-2026-declaration"
    assert definition.opens_at == datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    for question in definition.questions:
        assert set(question.text) == {"fr", "es", "en", "pt", "ca"}
    assert Definition.from_json(definition.to_json()) == definition


def test_text_falls_back_to_english_then_first_given() -> None:
    assert localized({"en": "Budget?", "es": "¿Presupuesto?"}, "es") == "¿Presupuesto?"
    assert localized({"en": "Budget?", "es": "¿Presupuesto?"}, "ca") == "Budget?"
    assert localized({"fr": "C fr", "pt": "C pt"}, "es") == "C fr"
    assert localized({"pt": "Olá"}, "pt-BR") == "Olá"


def test_missing_options_and_unknown_type_are_both_reported() -> None:
    data = base()
    del data["questions"][0]["options"]
    data["questions"][2]["type"] = "stars"
    assert errors_of(data) == [
        "questions[0].options: missing",
        "questions[2].type: must be one of single_choice, multi_choice, scale, text, number",
    ]


def test_duplicate_question_and_option_ids() -> None:
    data = base()
    data["questions"][1]["options"][2]["id"] = "a"
    data["questions"][4]["id"] = "priority"
    assert errors_of(data) == [
        "questions[1].options[2].id: duplicate option id 'a'",
        "questions[4].id: duplicate question id 'priority' (also questions[0])",
    ]


def test_show_if_must_name_an_earlier_choice_question_and_its_options() -> None:
    data = base()
    data["questions"][0]["show_if"] = {"question": "satisfaction", "in": ["x"]}
    data["questions"][3]["show_if"] = {"question": "nowhere", "in": ["x"]}
    data["questions"][4]["show_if"] = {"question": "priority", "in": ["inclusion", "peace"]}
    assert errors_of(data) == [
        "questions[0].show_if.question: must refer to an earlier question "
        "('satisfaction' is questions[2])",
        "questions[3].show_if.question: unknown question 'nowhere'",
        "questions[4].show_if.in[1]: 'peace' is not an option of 'priority'",
    ]


def test_show_if_on_a_scale_question_is_refused() -> None:
    data = base()
    data["questions"][3]["show_if"] = {"question": "satisfaction", "in": ["1"]}
    assert errors_of(data) == [
        "questions[3].show_if.question: 'satisfaction' is not a choice question"
    ]


@pytest.mark.parametrize("max_choices", [0, 4])
def test_max_choices_out_of_range(max_choices: int) -> None:
    data = base()
    data["questions"][1]["max_choices"] = max_choices
    assert errors_of(data) == [
        "questions[1].max_choices: must be between 1 and 3 (the number of options)"
    ]


def test_dates_need_an_offset_and_must_be_in_order() -> None:
    data = base()
    data["opens_at"] = "2026-11-01T09:00:00"
    assert errors_of(data) == [
        "opens_at: must include a UTC offset, e.g. 2026-11-01T09:00:00+01:00"
    ]
    data = base()
    data["closes_at"], data["opens_at"] = data["opens_at"], data["closes_at"]
    assert errors_of(data) == ["closes_at: must be after opens_at"]


def test_unknown_audience_field_and_network() -> None:
    data = base()
    data["audience"] = "mayors"
    data["colour"] = "red"
    data["networks"] = ["spain", "atlantis"]
    assert errors_of(data, networks=["spain", "portugal"]) == [
        "audience: must be one of city_representatives, youth, everyone, invited",
        "colour: unknown field",
        "networks[1]: unknown network 'atlantis'",
    ]


def test_texts_must_exist_in_some_language() -> None:
    data = base()
    data["title"] = {}
    data["questions"][2]["text"] = {"en": "  ", "fr": ""}
    del data["questions"][3]["text"]
    data["questions"][1]["options"][0]["text"] = {"english": "A"}
    assert errors_of(data) == [
        "title: must give a text in at least one language (en, fr, es, pt, ca)",
        "questions[1].options[0].text: 'english' is not a language code such as en, fr, pt-BR",
        "questions[2].text: must give a text in at least one language (en, fr, es, pt, ca)",
        "questions[3].text: missing",
    ]


def test_type_specific_fields() -> None:
    data = base()
    data["questions"][2]["max"] = 20  # scale 1..20: too many buttons
    del data["questions"][2]["min"]
    data["questions"][3]["options"] = [{"id": "x", "text": {"en": "x"}}]
    data["questions"][3]["max_length"] = 5000
    data["questions"][4]["min"] = 10
    data["questions"][4]["max"] = 5
    data["questions"][0]["options"] = data["questions"][0]["options"][:1]
    assert errors_of(data) == [
        "questions[0].options: must list at least 2 options",
        "questions[2].min: missing",
        "questions[3].options: only for single_choice and multi_choice",
        "questions[3].max_length: must be between 1 and 4000",
        "questions[4].max: must not be less than min",
    ]


def test_scale_span_and_whole_numbers() -> None:
    data = base()
    data["questions"][2]["max"] = 20
    data["questions"][1]["max_choices"] = "two"
    assert errors_of(data) == [
        "questions[1].max_choices: must be a whole number",
        "questions[2].max: must be 1 to 10 more than min",
    ]


def test_broken_yaml_and_non_mapping_documents() -> None:
    assert errors_of("slug: [unclosed\n")[0].startswith("yaml: line 2, column 1:")
    assert errors_of("- just\n- a list\n") == [
        "(document): must be a mapping with slug, title, questions…"
    ]


def test_everything_missing_is_listed() -> None:
    assert errors_of({"slug": "x"}) == [
        f"{field}: missing"
        for field in (
            "title",
            "audience",
            "one_response_per",
            "opens_at",
            "closes_at",
            "questions",
        )
    ]


def test_a_question_that_is_not_a_mapping() -> None:
    data = base()
    data["questions"].append("what?")
    assert errors_of(data) == ["questions[5]: must be a mapping"]
