"""One question count on the first screen, and a progress that never moves backwards."""

from __future__ import annotations

from engagement.consultations import lifecycle
from storage.consultations import ConsultationStatus
from storage.engine import SessionFactory
from tests.bot.conftest import HarnessFactory
from tests.bot.consultation_support import (
    add_city,
    add_representative,
    create_declaration,
    press_label,
)


async def test_the_first_screen_says_up_to_and_the_progress_only_moves_forward(
    make_harness: HarnessFactory, sessions: SessionFactory
) -> None:
    harness = make_harness()
    barcelona = await add_city(sessions, "Barcelona", "ES")
    marta = harness.fake.make_user("Marta", language_code="ca")
    await add_representative(sessions, marta, barcelona, "ca")
    consultation_id = await create_declaration(sessions)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="t")

    first = await harness.say(marta, f"/start c{consultation_id}")
    text = first.text or ""
    # 4 questions always, a fifth if the priority is inclusion: one count, "up to 5"
    assert "Fins a 5 preguntes" in text
    assert "· 1 de 5 com a màxim" in text and "1/4" not in text
    await press_label(harness, marta, "Inclusió")
    assert "· 2/5" in (harness.fake.last_message(marta.id).text or "")
