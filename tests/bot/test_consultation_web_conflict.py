"""The bot and the web change the same response: the bot's button made before a web save
does not overwrite it silently, and its screens offer the web link."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from bot.dispatcher import build_dispatcher
from engagement.consultations import answering, lifecycle
from storage.consultations import ConsultationResponse, ConsultationStatus
from storage.engine import SessionFactory
from tests.bot.conftest import Harness, HarnessFactory
from tests.bot.consultation_support import (
    add_city,
    add_representative,
    callback_answer,
    create_declaration,
    labels,
    press_label,
)


async def test_a_button_pressed_after_a_web_save_is_not_applied_and_says_what_happened(
    make_harness: HarnessFactory, sessions: SessionFactory
) -> None:
    base = make_harness()
    config = replace(base.config, public_url="https://aive.example.org")
    harness = Harness(base.fake, base.bot, build_dispatcher(config, sessions), sessions, config)
    try:
        city = await add_city(sessions, "Barcelona", "ES")
        marta = harness.fake.make_user("Marta", language_code="ca")
        marta_id = await add_representative(sessions, marta, city, "ca")
        cid = await create_declaration(sessions)
        async with sessions() as session:
            await lifecycle.set_status(session, cid, ConsultationStatus.open, actor="t")
        await harness.say(marta, f"/start c{cid}")
        assert "🌐 Respondre al web" in labels(harness, marta)
        web_url = harness.fake.last_message(marta.id).button(text="🌐 Respondre al web")["url"]
        assert str(web_url).startswith("https://aive.example.org/consultations/declaration/answer/")
        await press_label(harness, marta, "Inclusió")  # now at "Quines accions?"

        async with sessions() as session:  # a colleague, on the web, changes the priority
            response = await session.scalar(select(ConsultationResponse))
            assert response is not None
            await answering.answer(
                session, response.id, "priority", "climate", person_id=marta_id, channel="web"
            )

        await press_label(harness, marta, "Escoles")
        assert callback_answer(harness).startswith(
            "Una altra persona ha canviat aquestes respostes mentrestant (al bot o al web); "
            "la vostra no s'ha desat."
        )
        now = harness.fake.last_message(marta.id).text or ""
        assert "1. Prioritat principal? — <b>Clima</b>" in now
        async with sessions() as session:
            response = await session.scalar(select(ConsultationResponse))
            assert response is not None
            assert response.answers == {"priority": "climate"}  # Escoles was not added
            assert response.channel == "web"
        await press_label(harness, marta, "Escoles")  # from the fresh screen: applied
        assert labels(harness, marta)[0] == "✓ Escoles"
        assert "🌐 Respondre al web" in labels(harness, marta)  # still offered after a toggle
    finally:
        await harness.dp.storage.close()


def test_staff_see_how_many_responses_came_from_each_face() -> None:
    from bot.features.consultations_staff import results_text
    from engagement.consultations.definition_check import load_definition
    from engagement.consultations.results import SubmittedRow, compute_results
    from storage.base import utcnow
    from tests.bot.consultation_support import declaration_yaml

    definition = load_definition(declaration_yaml())
    rows = [
        SubmittedRow(n, n, "ca", utcnow(), {"priority": "climate"}, channel)
        for n, channel in enumerate(("bot", "web", "bot"), start=1)
    ]
    found = compute_results(definition, rows, {1: [], 2: [], 3: [], 4: []}, "ca")
    assert found.channels == {"bot": 2, "web": 1}
    assert "Al bot: 2 · al web: 1" in "\n".join(results_text(found, "ca"))
