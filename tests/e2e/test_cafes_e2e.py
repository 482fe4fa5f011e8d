"""A virtual café of two places and three people, end to end over the fake Bot API.

Ana (Spanish, São Paulo time) and Ben (English, no timezone: the secretariat's) take the two
places; Chloé (French) goes to the waiting list. The bot restarts before any reminder. The day
before, Ben leaves from his reminder and Chloé moves up, told in French with the calendar file.
One hour before, only Ana and Chloé get the call link; at the start Ana checks in; after the
end only Ana gets the evaluation, answers it, and the report counts it all.
"""

from __future__ import annotations

from datetime import UTC, timedelta

import icalendar

from bot.dispatcher import build_dispatcher
from bot.session import make_bot
from engagement.cafes import report
from engagement.consultations import response_access
from engagement.consultations.errors import Refusal, ResponseRefused
from storage.base import utcnow
from storage.cafes import Cafe
from storage.engine import SessionFactory
from tests.bot.cafe_support import Clock, add_person, run_jobs, schedule_cafe
from tests.bot.conftest import Harness, HarnessFactory, button_data
from tests.bot.consultation_support import callback_answer, drain_outbox, press_label

URL = "https://meet.example.org/school-streets"


async def test_two_places_three_people_waiting_list_reminders_check_in_and_evaluation(
    make_harness: HarnessFactory, sessions: SessionFactory
) -> None:
    harness = make_harness()
    fake = harness.fake
    # The café ended an hour ago in real time, so that the evaluation (a consultation, which
    # reads the real clock) is open; everything before it runs on the test clock.
    start = utcnow().replace(second=0, microsecond=0) - timedelta(hours=2)
    clock = Clock(start - timedelta(days=2))
    harness.dp["clock"] = clock
    ana = fake.make_user("Ana", language_code="es")
    ben = fake.make_user("Ben", language_code="en")
    chloe = fake.make_user("Chloé", language_code="fr")
    ines = fake.make_user("Inés", language_code="es")
    ana_id = await add_person(
        sessions, ana, "es", "America/Sao_Paulo", ("Rosario", "AR", "argentina")
    )
    await add_person(sessions, ben, "en", None, ("Leeds", "GB", "global"))
    chloe_id = await add_person(
        sessions, chloe, "fr", "Europe/Paris", ("Lyon", "FR", "francophone")
    )
    await harness.make_staff(ines)

    cafe_id, invited = await schedule_cafe(sessions, start, clock.now)
    assert invited == 4  # everyone, staff included
    assert await drain_outbox(harness) == 4
    invitation = fake.last_message(ana.id).text or ""
    assert invitation.startswith("Café virtual: <b>Caminos escolares</b>")
    sao_paulo = start.astimezone(__import__("zoneinfo").ZoneInfo("America/Sao_Paulo"))
    # Spanish writes the hour without a leading zero ("1:28", "14:05")
    assert f"{sao_paulo.hour}:{sao_paulo:%M}" in invitation and "Brasil" in invitation
    assert URL not in invitation  # the link is for registered people, one hour before
    assert [b["text"] for b in fake.last_message(chloe.id).buttons] == ["S'inscrire"]

    # Ana joins: registered, with a calendar file whose event starts at the café's UTC start.
    await press_label(harness, ana, "Inscribirme")
    document = fake.sent_documents(ana.id)[-1]
    assert "Está inscrito/a en <b>Caminos escolares</b>" in (document.caption or "")
    assert document.file is not None and document.file.data is not None
    event = icalendar.Calendar.from_ical(document.file.data).walk("VEVENT")[0]
    assert event.decoded("dtstart") == start.astimezone(UTC)
    assert str(event.get("summary")) == "Caminos escolares"
    assert URL.encode() not in document.file.data
    invite_message = fake.sent_messages(ana.id)[0]
    await harness.press(ana, invite_message, button_data(invite_message, "Inscribirme"))
    assert callback_answer(harness) == "Ya está inscrito/a."

    await press_label(harness, ben, "Join")
    assert "You are registered for <b>School streets</b>" in (
        fake.sent_documents(ben.id)[-1].caption or ""
    )
    await press_label(harness, chloe, "S'inscrire")
    assert fake.last_message(chloe.id).text == (
        "<b>Rues scolaires</b> est complet. Vous êtes numéro 1 sur la liste d'attente ; si une "
        "place se libère, elle est à vous et je vous préviendrai."
    )
    assert not fake.sent_documents(chloe.id)
    assert await run_jobs(harness, clock.now) == {}  # two days before: nothing is due

    # The bot restarts between the scheduling and the reminders.
    await harness.dp.storage.close()
    bot = make_bot(harness.config.token, harness.config.api_url)
    try:
        harness = Harness(
            fake, bot, build_dispatcher(harness.config, sessions), sessions, harness.config
        )
        harness.dp["clock"] = clock

        clock.now = start - timedelta(hours=23)
        assert await run_jobs(harness, clock.now) == {"day_before": 2}
        assert await run_jobs(harness, clock.now) == {}  # a second run sends nothing twice
        assert await drain_outbox(harness) == 2
        assert "is on" in (fake.last_message(ben.id).text or "")
        # no reminder on the waiting list: Chloé's last message is still the waiting list's
        assert (fake.last_message(chloe.id).text or "").startswith("<b>Rues scolaires</b> est")

        # Ben cannot come: he leaves from his reminder, and Chloé moves up.
        await press_label(harness, ben, "Leave")
        assert "You left <b>School streets</b>" in (fake.last_message(ben.id).text or "")
        promoted = fake.sent_documents(chloe.id)[-1]
        assert (promoted.caption or "").startswith("Bonne nouvelle : une place s'est libérée")
        assert promoted.file is not None and promoted.file.data is not None
        assert icalendar.Calendar.from_ical(promoted.file.data).walk("VEVENT")[0].decoded(
            "dtstart"
        ) == start.astimezone(UTC)

        clock.now = start - timedelta(minutes=59)
        assert await run_jobs(harness, clock.now) == {"hour_before": 2}
        assert await run_jobs(harness, clock.now) == {}
        assert await drain_outbox(harness) == 2
        assert URL in (fake.last_message(ana.id).text or "")
        assert URL in (fake.last_message(chloe.id).text or "")
        assert not any(URL in t for t in harness.texts(ben)) and not any(
            URL in t for t in harness.texts(ines)
        )

        clock.now = start + timedelta(minutes=5)
        assert await run_jobs(harness, clock.now) == {"check_in": 2}
        assert await drain_outbox(harness) == 2
        await press_label(harness, ana, "Estoy aquí")
        assert fake.last_message(ana.id).text == "Gracias, su asistencia queda registrada."

        clock.now = start + timedelta(minutes=61)
        assert await run_jobs(harness, clock.now) == {"evaluation": 1}
        assert await run_jobs(harness, clock.now) == {}
        assert await drain_outbox(harness) == 1
        await press_label(harness, ana, "Responder")
        assert "¿Qué utilidad tuvo?" in (fake.last_message(ana.id).text or "")
        await press_label(harness, ana, "4")
        await press_label(harness, ana, "Enviar")
    finally:
        await harness.dp.storage.close()
        await bot.session.close()

    async with sessions() as session:
        cafe = await session.get(Cafe, cafe_id)
        assert cafe is not None and cafe.evaluation_id is not None
        try:  # Chloé did not check in: the evaluation is not hers
            await response_access.start_or_resume(
                session, cafe.evaluation_id, chloe_id, language="fr"
            )
            raise AssertionError("Chloé was allowed to answer")
        except ResponseRefused as refused:
            assert refused.reason == Refusal.not_eligible
        found = await report.cafe_report(session, cafe_id)
    assert (found.registered, found.waiting, found.left, found.attended) == (2, 0, 1, 1)
    assert found.evaluations_submitted == 1
    assert [(a.question, a.average) for a in found.averages] == [("useful", 4.0)]
    assert found.countries == {"AR": 1, "FR": 1}
    assert found.networks == {"argentina": 1, "francophone": 1}
    assert found.speaker_genders == {"man": 1, "not stated": 1, "woman": 1}
    assert ana_id != chloe_id
