"""The one staff gate: which buttons it refuses to non-staff, in which words (its handlers are
module-level, so they are tested here without a conversation)."""

from __future__ import annotations

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, User

from bot.bulletin_cards import DraftAction
from bot.features import cafes, consultation_screens
from bot.features.staff_gate import STAFF_BUTTONS, STAFF_FEATURES, StaffButton
from bot.i18n import build_i18n
from bot.keyboards import LanguageChoice, RequestDecision
from bot.youth_keyboards import YouthReview


def _query(data: str) -> CallbackQuery:
    user = User(id=7, is_bot=False, first_name="Ana")
    return CallbackQuery(id="1", from_user=user, chat_instance="c", data=data)


def test_every_button_a_staff_feature_defines_is_behind_the_gate() -> None:
    defined = [
        value
        for module in STAFF_FEATURES
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, CallbackData)
        and value.__module__ == module.__name__
    ]
    assert defined, "the staff features define buttons"
    for button in [*defined, DraftAction, RequestDecision, YouthReview]:
        assert button in STAFF_BUTTONS, f"{button.__name__} is not refused to non-staff"


@pytest.mark.parametrize(
    "data",
    [
        consultation_screens.Step(r=1, q=0, a=consultation_screens.Act.skip).pack(),
        cafes.CafeAction(a="j", c=1).pack(),
        LanguageChoice(code="fr", onboarding=False).pack(),
        "",
    ],
)
async def test_buttons_of_everyone_pass_the_gate(data: str) -> None:
    assert await StaffButton()(_query(data)) is False


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (RequestDecision(request_id=3, approve=True).pack(), "pot decidir-ho"),
        (YouthReview(submission_id=3, action="approve").pack(), "ho pot decidir"),
        (DraftAction(e=3, a="approve").pack(), "secretaria pot fer-ho"),
    ],
)
async def test_a_staff_button_gets_its_own_refusal_in_the_readers_language(
    data: str, expected: str
) -> None:
    i18n = build_i18n("en")
    found = await StaffButton()(_query(data))
    assert isinstance(found, dict)
    with i18n.context(), i18n.use_locale("ca"):
        assert expected in found["refusal"]()
