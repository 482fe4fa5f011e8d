"""Which engine call a consultation button makes, decided from the screen and the button alone:
a button that does not fit the question (forged, or from an older screen) makes none."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.features.consultation_moves import changed_since, is_current, move_for
from bot.features.consultation_screens import REVIEW, Act, Step
from engagement.consultations import answering
from engagement.consultations.response_access import ResponseView
from storage.consultations import ResponseStatus
from tests.engagement.consultation_samples import sample


def _view(at: str | None, answers: dict[str, Any] | None = None, version: int = 0) -> ResponseView:
    definition = sample()
    current = next((q for q in definition.questions if q.id == at), None)
    return ResponseView(
        response_id=5,
        consultation_id=1,
        definition=definition,
        status=ResponseStatus.in_progress,
        answers=answers or {},
        current=current,
        progress=None,
        language="en",
        city_id=None,
        closes_at=datetime(2026, 11, 20, tzinfo=UTC),
        version=version,
    )


def test_an_option_answers_the_question_with_that_options_id() -> None:
    move = move_for(_view("priority"), Step(r=5, q=0, o=1, a=Act.option))
    assert move is not None and move.operation is answering.answer
    assert move.args == ("priority", "climate")
    assert move.options == {"review_when_complete": True}


def test_a_toggle_picks_one_option_of_a_multiple_choice() -> None:
    move = move_for(_view("actions"), Step(r=5, q=1, o=0, a=Act.toggle))
    assert move is not None and move.operation is answering.toggle
    assert move.args == ("actions", "a")


def test_done_answers_with_the_options_toggled_so_far() -> None:
    view = _view("actions", {"actions": ["a", "b"]})
    move = move_for(view, Step(r=5, q=1, a=Act.done))
    assert move is not None and move.args == ("actions", ["a", "b"])


def test_buttons_that_do_not_fit_the_question_make_no_move() -> None:
    assert move_for(_view("priority"), Step(r=5, q=0, o=0, a=Act.toggle)) is None
    assert move_for(_view("actions"), Step(r=5, q=1, o=0, a=Act.option)) is None
    assert move_for(_view("priority"), Step(r=5, q=0, o=9, a=Act.option)) is None
    assert move_for(_view(None), Step(r=5, q=REVIEW, o=42, a=Act.edit)) is None
    assert move_for(_view(None), Step(r=5, q=REVIEW, o=0, a=Act.skip)) is None


def test_review_buttons_go_back_submit_or_edit_a_question() -> None:
    review = _view(None, {"priority": "climate"})
    edit = move_for(review, Step(r=5, q=REVIEW, o=2, a=Act.edit))
    assert edit is not None and edit.operation is answering.go_to
    assert edit.args == ("satisfaction",)
    submit = move_for(review, Step(r=5, q=REVIEW, a=Act.submit))
    assert submit is not None and submit.operation is answering.submit


def test_a_button_of_an_earlier_screen_is_not_current() -> None:
    assert is_current(_view("actions"), Step(r=5, q=1, a=Act.done))
    assert not is_current(_view("actions"), Step(r=5, q=0, o=0, a=Act.option))
    assert not is_current(_view("actions"), Step(r=5, q=REVIEW, a=Act.change))


def test_a_button_that_changes_answers_from_an_older_version_is_refused() -> None:
    now = _view("priority", version=3)
    assert changed_since(now, Step(r=5, q=0, o=1, a=Act.option, v=2))  # someone saved since
    assert changed_since(now, Step(r=5, q=REVIEW, a=Act.submit, v=4))
    assert not changed_since(now, Step(r=5, q=0, o=1, a=Act.option, v=3))
    assert not changed_since(now, Step(r=5, q=0, o=1, a=Act.option))  # made before versions
    assert not changed_since(now, Step(r=5, q=0, a=Act.back, v=2))  # moving changes no answer
