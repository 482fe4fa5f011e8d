"""Walking the questions: branching, Back, Skip, and each answer type's checks."""

from __future__ import annotations

from typing import Any

import pytest

from engagement.consultations import flow
from engagement.consultations.errors import AnswerError, InvalidAnswer
from tests.engagement.consultation_samples import sample

D = sample()


def q(question_id: str) -> Any:
    question = D.question(question_id)
    assert question is not None
    return question


def code(question_id: str, value: object) -> tuple[AnswerError, dict[str, Any]]:
    with pytest.raises(InvalidAnswer) as caught:
        flow.validate_answer(q(question_id), value)
    return caught.value.code, caught.value.params


def ids(answers: dict[str, Any]) -> list[str]:
    return [x.id for x in flow.visible_questions(D, answers)]


def test_branch_shows_comment_only_after_inclusion() -> None:
    assert ids({}) == ["priority", "actions", "satisfaction", "budget"]
    assert ids({"priority": "climate"}) == ["priority", "actions", "satisfaction", "budget"]
    assert ids({"priority": "inclusion"}) == [
        "priority",
        "actions",
        "satisfaction",
        "comment",
        "budget",
    ]


def test_next_question_walks_unanswered_visible_questions_then_review() -> None:
    answers: dict[str, Any] = {}
    assert flow.next_question(D, answers).id == "priority"  # type: ignore[union-attr]
    answers = {"priority": "inclusion", "actions": ["a"], "satisfaction": 4}
    assert flow.next_question(D, answers).id == "comment"  # type: ignore[union-attr]
    answers["comment"] = None
    answers["budget"] = 100
    assert flow.next_question(D, answers) is None


def test_progress_counts_visible_questions() -> None:
    assert str(flow.progress(D, {"priority": "climate"}, "satisfaction")) == "3/4"
    assert str(flow.progress(D, {"priority": "inclusion"}, "comment")) == "4/5"


def test_back_and_after_skip_hidden_questions() -> None:
    climate = {"priority": "climate"}
    assert flow.question_before(D, climate, "budget").id == "satisfaction"  # type: ignore[union-attr]
    assert flow.question_after(D, climate, "satisfaction").id == "budget"  # type: ignore[union-attr]
    inclusion = {"priority": "inclusion"}
    assert flow.question_before(D, inclusion, "budget").id == "comment"  # type: ignore[union-attr]
    assert flow.question_before(D, inclusion, "priority") is None
    assert flow.question_before(D, inclusion, None).id == "budget"  # type: ignore[union-attr]
    assert flow.question_after(D, inclusion, "budget") is None


def test_single_choice_accepts_only_its_option_ids() -> None:
    assert flow.validate_answer(q("priority"), "climate") == "climate"
    assert code("priority", "peace") == (AnswerError.unknown_option, {})


def test_multi_choice_toggles_within_max_choices() -> None:
    question = q("actions")
    chosen = flow.toggle_choice(question, [], "b")
    chosen = flow.toggle_choice(question, chosen, "a")
    assert chosen == ["a", "b"]  # definition order
    with pytest.raises(InvalidAnswer) as caught:
        flow.toggle_choice(question, chosen, "c")
    assert caught.value.code == AnswerError.too_many_choices
    assert caught.value.params == {"max_choices": 2}
    assert flow.toggle_choice(question, chosen, "a") == ["b"]
    assert code("actions", ["a", "b", "c"])[0] == AnswerError.too_many_choices
    assert code("actions", [])[0] == AnswerError.required
    assert code("actions", ["a", "zz"])[0] == AnswerError.unknown_option


def test_scale_takes_whole_numbers_in_range() -> None:
    assert flow.validate_answer(q("satisfaction"), "5") == 5
    assert flow.validate_answer(q("satisfaction"), 1) == 1
    assert code("satisfaction", 6) == (AnswerError.out_of_range, {"min": 1, "max": 5})
    assert code("satisfaction", "0")[0] == AnswerError.out_of_range
    assert code("satisfaction", "3.5")[0] == AnswerError.not_a_whole_number
    assert code("satisfaction", "lots")[0] == AnswerError.not_a_number
    assert code("satisfaction", True)[0] == AnswerError.not_a_number


def test_number_accepts_decimal_comma_and_checks_bounds() -> None:
    assert flow.validate_answer(q("budget"), "2500,50") == 2500.5
    assert flow.validate_answer(q("budget"), " 12 000 ") == 12000
    assert code("budget", "-1") == (AnswerError.out_of_range, {"min": 0, "max": 1000000})
    assert code("budget", "12e3")[0] == AnswerError.not_a_number


def test_text_is_trimmed_nonempty_and_bounded() -> None:
    assert flow.validate_answer(q("comment"), "  Schools  ") == "Schools"
    assert code("comment", "   ")[0] == AnswerError.required
    assert code("comment", "x" * 21) == (AnswerError.too_long, {"max_length": 20, "length": 21})


def test_only_optional_questions_can_be_skipped() -> None:
    flow.check_skip(q("comment"))
    with pytest.raises(InvalidAnswer) as caught:
        flow.check_skip(q("priority"))
    assert caught.value.code == AnswerError.not_skippable


def test_changed_branch_drops_hidden_answers_on_submit() -> None:
    answers = {"priority": "climate", "actions": ["a"], "satisfaction": 3, "comment": "old"}
    assert flow.answers_to_submit(D, answers) == {
        "priority": "climate",
        "actions": ["a"],
        "satisfaction": 3,
    }


def test_submit_refused_while_a_required_question_is_empty() -> None:
    with pytest.raises(InvalidAnswer) as caught:
        flow.answers_to_submit(D, {"priority": "climate", "satisfaction": 3})
    assert caught.value.code == AnswerError.incomplete
    assert caught.value.params == {"question_ids": ["actions"]}


def test_review_in_the_readers_language() -> None:
    answers = {"priority": "climate", "actions": ["a", "c"], "satisfaction": 3, "budget": None}
    items = flow.review(D, answers, "fr")
    assert [(i.question, i.answer, i.skipped) for i in items] == [
        ("Priorité ?", "Climat", False),
        ("Actions?", "A fr, C fr", False),
        ("Satisfied?", "3", False),
        ("Budget?", "", True),
    ]
    assert not any(i.missing and i.question_id != "budget" for i in items)


def test_progress_says_up_to_while_a_branch_is_open_and_never_goes_backwards() -> None:
    first = flow.progress(D, {}, "priority")
    assert (first.position, first.total, first.exact) == (1, 5, False)  # "1 of up to 5"
    assert flow.most_questions(D, {}) == 5
    after_inclusion = flow.progress(D, {"priority": "inclusion"}, "actions")
    assert (str(after_inclusion), after_inclusion.exact) == ("2/5", True)
    after_climate = flow.progress(D, {"priority": "climate"}, "actions")
    assert (str(after_climate), after_climate.exact) == ("2/4", True)
    # whichever way the branch goes, the total never grows past what was announced
    assert after_inclusion.total <= first.total and after_climate.total <= first.total
