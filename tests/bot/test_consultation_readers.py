"""What a representative reads around a submitted or closed consultation, and a refused number.

A colleague who opens the city's submitted answers sees them once, with who sent them, and is not
thanked for a submission she did not make; an old message of a closed consultation says it is
closed when its button is pressed; a refused number repeats the question and what it expects.
"""

from __future__ import annotations

from engagement.consultations import answering, lifecycle, response_access
from storage.consultations import ConsultationStatus
from storage.engine import SessionFactory
from tests.bot.conftest import HarnessFactory, button_data
from tests.bot.consultation_support import (
    add_city,
    add_representative,
    callback_answer,
    create_declaration,
)

ANSWERS = {"priority": "climate", "actions": ["parks"], "satisfaction": 3, "budget": 12}


async def _open_and_submit(sessions: SessionFactory, person_id: int) -> int:
    consultation_id = await create_declaration(sessions)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="t")
        view = await response_access.start_or_resume(
            session, consultation_id, person_id, language="pt"
        )
        for question_id, value in ANSWERS.items():
            await answering.answer(
                session, view.response_id, question_id, value, person_id=person_id
            )
        await answering.submit(session, view.response_id, person_id=person_id)
    return consultation_id


async def test_a_colleague_sees_the_submitted_answers_once_and_is_not_thanked(
    make_harness: HarnessFactory, sessions: SessionFactory
) -> None:
    harness = make_harness()
    lisboa = await add_city(sessions, "Lisboa", "PT")
    joao = harness.fake.make_user("João", language_code="pt")
    ana = harness.fake.make_user("Ana", language_code="pt")
    joao_id = await add_representative(sessions, joao, lisboa, "pt")
    await add_representative(sessions, ana, lisboa, "pt")
    consultation_id = await _open_and_submit(sessions, joao_id)

    seen = (await harness.say(ana, f"/start c{consultation_id}")).text or ""
    assert "João já enviou as respostas de Lisboa." in seen
    assert "Obrigado" not in seen and "já respondeu" not in seen
    assert seen.count("Prioridade principal?") == 1  # every answer listed once
    assert "Podem ser alteradas até" in seen
    assert "Alterar as respostas" in [b["text"] for b in harness.fake.last_message(ana.id).buttons]


async def test_an_old_message_of_a_closed_consultation_says_it_is_closed(
    make_harness: HarnessFactory, sessions: SessionFactory
) -> None:
    harness = make_harness()
    barcelona = await add_city(sessions, "Barcelona", "ES")
    marta = harness.fake.make_user("Marta", language_code="ca")
    marta_id = await add_representative(sessions, marta, barcelona, "ca")
    consultation_id = await _open_and_submit(sessions, marta_id)
    old = await harness.say(marta, f"/start c{consultation_id}")
    assert "Es poden canviar fins al" in (old.text or "")
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.closed, actor="t")

    await harness.press(marta, old, button_data(old, "Canviar les respostes"))
    assert "tancada" in callback_answer(harness)
    edited = harness.fake.last_message(marta.id)
    assert edited.message_id == old.message_id
    closed = "<b>Aquesta consulta està tancada; les respostes ja no es poden canviar.</b>"
    assert (edited.text or "").endswith(closed)
    assert edited.buttons == []


async def test_a_refused_number_repeats_the_question_and_what_it_expects(
    make_harness: HarnessFactory, sessions: SessionFactory
) -> None:
    harness = make_harness()
    madrid = await add_city(sessions, "Madrid", "ES")
    lucia = harness.fake.make_user("Lucía", language_code="es")
    lucia_id = await add_representative(sessions, lucia, madrid, "es")
    consultation_id = await create_declaration(sessions)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="t")
        view = await response_access.start_or_resume(
            session, consultation_id, lucia_id, language="es"
        )
        for question_id in ("priority", "actions", "satisfaction"):
            await answering.answer(
                session, view.response_id, question_id, ANSWERS[question_id], person_id=lucia_id
            )

    refused = (await harness.say(lucia, "mucho")).text or ""
    assert "<i>Budget (k€)?</i>" in refused  # the question's short form (no Spanish text given)
    assert "0" in refused and "1000" in refused and "3,5" not in refused and "3.5" not in refused
    too_big = (await harness.say(lucia, "5000")).text or ""
    assert "<i>Budget (k€)?</i>" in too_big and "1000" in too_big
