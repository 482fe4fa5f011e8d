"""Inés follows the International Day campaign in chat: the steps, who would get a step, the
report with its chart; nobody else can."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.features.campaign_staff import plan_keyboard, plan_text
from campaigns import service
from campaigns.config import CampaignConfig
from campaigns.plan import plan
from storage.broadcasts import Broadcast
from tests.bot.conftest import Harness, button_data
from tests.bot.consultation_support import callback_answer
from tests.campaigns.support import build_world
from tests.fakes.telegram_objects import FakeUser

YEAR = 2031  # far enough ahead that every step is still planned


async def campaign_and_staff(harness: Harness) -> FakeUser:
    await build_world(harness.sessions, harness.fake)
    async with harness.sessions() as session:
        await service.create_campaign(
            session, YEAR, CampaignConfig(), theme="Cities that listen", actor="test"
        )
    ines = harness.fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    return ines


async def test_staff_see_every_step_with_its_date_audience_and_reach(harness: Harness) -> None:
    ines = await campaign_and_staff(harness)
    shown = await harness.say(ines, f"/campaign {YEAR}")
    text = shown.text or ""
    assert text.startswith(f"<b>Día Internacional {YEAR}</b> (activa): Cities that listen")
    assert f"<b>D-45</b> · {YEAR}-10-16 09:00 Europe/Madrid · prevista" in text
    assert "chat: representantes de las ciudades · 4 correos, 4 chats" in text  # D-45
    assert "chat: todas las personas del bot · 4 correos, 6 chats" in text  # D-1: Ana, Inés too
    labels = [b["text"] for b in shown.buttons]
    assert labels == [
        "¿Quién recibe D-45?",
        "¿Quién recibe D-30?",
        "¿Quién recibe D-10?",
        "¿Quién recibe D-1?",
        "¿Quién recibe D?",
        "¿Quién recibe D+7?",
        "Informe",
    ]


async def test_a_dry_run_tells_who_would_get_a_step_and_sends_nothing(harness: Harness) -> None:
    ines = await campaign_and_staff(harness)
    shown = await harness.say(ines, f"/campaign {YEAR}")
    await harness.press(ines, shown, button_data(shown, "D-10"))
    text = harness.fake.last_message(ines.id).text or ""
    assert text.startswith("<b>D-10</b>, si se lanzara ahora (no se envía nada):")
    assert "Correos: ca 1, es 1, fr 1, pt 1" in text
    assert "Chats: ca 1, es 1, fr 1, pt 1" in text
    async with harness.sessions() as session:
        assert (await session.scalars(select(Broadcast))).all() == []


async def test_the_report_comes_with_its_chart(harness: Harness) -> None:
    ines = await campaign_and_staff(harness)
    shown = await harness.say(ines, f"/campaign {YEAR}")
    await harness.press(ines, shown, button_data(shown, "Informe"))
    report = harness.fake.last_message(ines.id)
    assert (report.caption or "").startswith(
        f"<b>Día Internacional {YEAR}</b>: 0 ciudades participan, 0 actividades en 0 países."
    )
    assert report.file is not None and report.file.data.startswith(b"\x89PNG")


async def test_a_year_without_campaign_is_said_plainly_and_others_are_refused(
    harness: Harness,
) -> None:
    ines = await campaign_and_staff(harness)
    assert (await harness.say(ines, "/campaign 2040")).text == (
        "Todavía no hay campaña para 2040. Se crea con `aive campaign create --year 2040`."
    )
    shown = await harness.say(ines, f"/campaign {YEAR}")
    ana = harness.fake.make_user("Ana B", language_code="en")
    harness.fake.user_presses_button(ana, shown, button_data(shown, "Informe"))
    await harness.process()
    assert callback_answer(harness) == "Only the secretariat staff can do this."
    assert harness.fake.sent_messages(ana.id) == []
    assert (await harness.say(ana, "/campaign")).text == (
        "Sorry, only the secretariat staff can use this command."
    )


async def test_a_step_whose_time_has_passed_shows_as_past_with_no_dry_run(
    harness: Harness,
) -> None:
    await campaign_and_staff(harness)
    async with harness.sessions() as session:
        campaign = await service.get_campaign(session, YEAR)
        lines = await plan(session, campaign, CampaignConfig())
        after_d45 = next(line.due_at for line in lines if line.key == "d-45") + timedelta(days=1)
        text = plan_text(campaign, lines, "es", after_d45)
        labels = [
            b.text
            for row in plan_keyboard(YEAR, lines, "es", after_d45).inline_keyboard
            for b in row
        ]
    assert "<b>D-45</b>" in text and "· pasada, no lanzada" in text
    assert "· prevista" in text  # D-30 and later are still ahead
    assert "¿Quién recibe D-45?" not in labels and "¿Quién recibe D-30?" in labels
