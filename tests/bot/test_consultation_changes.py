"""Changing a submitted response never withdraws it: the city's submitted answers stay in the
results and the export until a new submission replaces them (issue 14)."""

from __future__ import annotations

from sqlalchemy import select

from engagement.consultations import lifecycle, reports
from storage.consultations import ConsultationResponse, ConsultationStatus, ResponseStatus
from storage.engine import SessionFactory
from tests.bot.conftest import Harness
from tests.bot.consultation_support import (
    add_city,
    add_representative,
    callback_answer,
    create_declaration,
    press_label,
)
from tests.fakes.telegram_objects import FakeUser


async def _submit_for_lyon(harness: Harness, sessions: SessionFactory) -> tuple[int, FakeUser]:
    """Claire submits Lyon's answers (budget 80); the consultation is open."""
    lyon = await add_city(sessions, "Lyon", "FR")
    claire = harness.fake.make_user("Claire", language_code="en")
    await add_representative(sessions, claire, lyon, "en")
    consultation_id = await create_declaration(sessions)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="t")
    await harness.say(claire, f"/start c{consultation_id}")
    await press_label(harness, claire, "Climate")
    await press_label(harness, claire, "Parks")
    await press_label(harness, claire, "Done")
    await press_label(harness, claire, "3")
    await harness.say(claire, "80")
    await press_label(harness, claire, "Submit")
    assert "The answers of Lyon are submitted" in (harness.fake.last_message(claire.id).text or "")
    return consultation_id, claire


async def _counted(sessions: SessionFactory, consultation_id: int) -> tuple[int, list[list[str]]]:
    """What staff read: the submitted count of the results, and the export's rows."""
    async with sessions() as session:
        results = await reports.consultation_results(session, consultation_id, lang="en")
        table = await reports.export_table(session, consultation_id)
    return results.submitted, table[1:]


async def _budget_changed_to(harness: Harness, user: FakeUser, budget: str) -> str:
    """Press Change the answers, change the budget, stop at the review (nothing submitted)."""
    await press_label(harness, user, "Change the answers")
    await press_label(harness, user, "✎ 4")
    review = await harness.say(user, budget)
    return review.text or ""


async def test_a_city_that_opens_its_answers_to_change_them_and_leaves_stays_counted(
    harness: Harness, sessions: SessionFactory
) -> None:
    consultation_id, claire = await _submit_for_lyon(harness, sessions)
    review = await _budget_changed_to(harness, claire, "95")
    assert "4. Budget (k€)? — <b>95</b>" in review
    assert "The answers submitted before stay counted until you submit these changes" in review

    submitted, rows = await _counted(sessions, consultation_id)  # she leaves here
    assert submitted == 1
    assert [(row[1], row[-2]) for row in rows] == [("Lyon", "80")]

    # Her colleague opens it, and presses Change the answers too: still counted.
    lyon_id = (await harness.person(claire)).roles[0].city_id  # type: ignore[union-attr]
    marc = harness.fake.make_user("Marc", language_code="en")
    await add_representative(sessions, marc, lyon_id, "en")  # type: ignore[arg-type]
    seen = await harness.say(marc, f"/start c{consultation_id}")
    assert "<b>95</b>" in (seen.text or "")  # the change in progress, to finish or submit
    assert (await _counted(sessions, consultation_id))[0] == 1

    # Submitting the changes replaces the submitted version.
    await press_label(harness, marc, "Submit")
    submitted, rows = await _counted(sessions, consultation_id)
    assert submitted == 1
    assert [(row[1], row[-2]) for row in rows] == [("Lyon", "95")]


async def test_closing_while_a_change_is_unsent_keeps_the_submitted_version(
    harness: Harness, sessions: SessionFactory
) -> None:
    consultation_id, claire = await _submit_for_lyon(harness, sessions)
    await _budget_changed_to(harness, claire, "500")
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.closed, actor="t")

    await press_label(harness, claire, "Submit")
    assert callback_answer(harness).startswith("This consultation is closed")
    submitted, rows = await _counted(sessions, consultation_id)
    assert submitted == 1
    assert [(row[1], row[-2]) for row in rows] == [("Lyon", "80")]
    async with sessions() as session:
        response = await session.scalar(select(ConsultationResponse))
    assert response is not None and response.status == ResponseStatus.submitted
    assert response.answers["budget"] == 80
