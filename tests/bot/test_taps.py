"""Tapping through a multi-choice question is not a flood, and every tap gets an answer."""

from __future__ import annotations

from bot.config import BotConfig
from bot.flood import FloodGuard
from engagement.consultations import answering, lifecycle, response_access
from storage.consultations import ConsultationStatus
from storage.engine import SessionFactory
from tests.bot.conftest import HarnessFactory, button_data
from tests.bot.consultation_support import add_city, add_representative, create_declaration

DEFAULTS = BotConfig(token="x")


async def test_two_taps_a_second_on_a_multi_choice_question_all_count_and_are_answered(
    make_harness: HarnessFactory, sessions: SessionFactory
) -> None:
    now = [0.0]

    def clock() -> float:
        return now[0]

    harness = make_harness(
        flood_guard=FloodGuard(DEFAULTS.flood_burst, DEFAULTS.flood_interval, clock=clock),
        tap_guard=FloodGuard(DEFAULTS.tap_burst, DEFAULTS.tap_interval, clock=clock),
    )
    lisboa = await add_city(sessions, "Lisboa", "PT")
    joao = harness.fake.make_user("João", language_code="pt")
    joao_id = await add_representative(sessions, joao, lisboa, "pt")
    consultation_id = await create_declaration(sessions)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="t")
        view = await response_access.start_or_resume(
            session, consultation_id, joao_id, language="pt"
        )
        await answering.answer(session, view.response_id, "priority", "climate", person_id=joao_id)
    question = await harness.say(joao, f"/start c{consultation_id}")
    assert "Que ações?" in (question.text or "")

    taps = 40  # twenty seconds of tapping Parques on and off
    for _ in range(taps):
        now[0] += 0.5
        harness.fake.user_presses_button(joao, question, button_data(question, "Parques"))
        await harness.process()

    queries = list(harness.fake.world.callback_queries.values())
    assert len(queries) == taps and all(q.answer is not None for q in queries)
    flooded = [q for q in queries if "mais depressa" in str(q.answer)]
    assert flooded == []
    async with sessions() as session:
        stored = await response_access.start_or_resume(
            session, consultation_id, joao_id, language="pt"
        )
    assert "actions" not in stored.answers or stored.answers["actions"] in ([], None)


async def test_a_burst_of_taps_from_a_script_is_limited_but_every_tap_is_answered(
    make_harness: HarnessFactory, sessions: SessionFactory
) -> None:
    harness = make_harness(tap_guard=FloodGuard(5, 1.0, clock=lambda: 0.0))
    barcelona = await add_city(sessions, "Barcelona", "ES")
    marta = harness.fake.make_user("Marta", language_code="ca")
    await add_representative(sessions, marta, barcelona, "ca")
    consultation_id = await create_declaration(sessions)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="t")
    question = await harness.say(marta, f"/start c{consultation_id}")
    for _ in range(20):
        harness.fake.user_presses_button(marta, question, button_data(question, "Clima"))
    await harness.process()
    queries = list(harness.fake.world.callback_queries.values())
    assert len(queries) == 20 and all(q.answer is not None for q in queries)
