"""Staff in the bot: list, open (which invites), close, results; refused to everyone else.
Reminders three days before closing, once each, through the outbox."""

from __future__ import annotations

import html
from types import SimpleNamespace

from sqlalchemy import func, select

from engagement.consultations import answering, lifecycle, response_access
from engagement.consultations.invitations import send_due_reminders
from engagement.consultations.jobs import send_consultation_reminders
from storage.broadcasts import Broadcast, BroadcastMessage
from storage.consultations import Consultation, ConsultationStatus
from storage.engine import SessionFactory
from tests.bot.conftest import Harness, button_data
from tests.bot.consultation_support import (
    add_city,
    add_representative,
    callback_answer,
    create_declaration,
    declaration_yaml,
    drain_outbox,
    press_label,
)
from tests.bot.poll_support import send_document_with_caption


async def answer_all(
    sessions: SessionFactory, consultation_id: int, person_id: int, answers: dict[str, object]
) -> None:
    async with sessions() as session:
        view = await response_access.start_or_resume(
            session, consultation_id, person_id, language="en"
        )
        for question_id, value in answers.items():
            await answering.answer(
                session, view.response_id, question_id, value, person_id=person_id
            )
        await answering.submit(session, view.response_id, person_id=person_id)


async def status_of(sessions: SessionFactory, consultation_id: int) -> ConsultationStatus:
    async with sessions() as session:
        consultation = await session.get(Consultation, consultation_id)
        assert consultation is not None
        return consultation.status


async def test_staff_open_invite_and_read_results_in_their_language(
    harness: Harness, sessions: SessionFactory
) -> None:
    fake = harness.fake
    barcelona = await add_city(sessions, "Barcelona", "ES", "spain")
    madrid = await add_city(sessions, "Madrid", "ES", "spain")
    lisboa = await add_city(sessions, "Lisboa", "PT", "portugal")
    marta, ana, joao = (fake.make_user(n) for n in ("Marta", "Ana", "João"))
    marta_id = await add_representative(sessions, marta, barcelona, "ca")
    await add_representative(sessions, ana, madrid, "es")
    joao_id = await add_representative(sessions, joao, lisboa, "pt")
    consultation_id = await create_declaration(sessions)
    ines = fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)

    listing = await harness.say(ines, "/consultations")
    assert "<b>Declaration 2026</b> (declaration): borrador" in (listing.text or "")
    await press_label(harness, ines, "Abrir e invitar")
    assert callback_answer(harness) == "Abierta. Invitaciones en cola: 3."
    assert "abierta" in (fake.last_message(ines.id).text or "")
    assert [b["text"] for b in fake.last_message(ines.id).buttons] == ["Cerrar", "Resultados"]
    assert await drain_outbox(harness) == 3
    assert fake.last_message(marta.id).buttons[0]["text"] == "Respondre"
    # opening again invites nobody twice
    await press_label(harness, ines, "Cerrar")
    assert callback_answer(harness) == "Cerrada. Ya no se aceptan respuestas."
    await press_label(harness, ines, "Abrir e invitar")
    assert callback_answer(harness) == "Abierta. Invitaciones en cola: 0."

    await answer_all(
        sessions,
        consultation_id,
        marta_id,
        {
            "priority": "inclusion",
            "actions": ["schools", "parks"],
            "satisfaction": 4,
            "why": "Ningú enrere",
            "budget": 250,
        },
    )
    await answer_all(
        sessions,
        consultation_id,
        joao_id,
        {"priority": "climate", "actions": ["parks"], "satisfaction": 2, "budget": 80},
    )
    await press_label(harness, ines, "Resultados")
    results = fake.last_message(ines.id).text or ""
    assert "2 respuestas enviadas. Tasa de respuesta: 2 de 3 (66.7 %)." in results
    assert "· portugal: 1/1 (100.0%)" in results and "· spain: 1/2 (50.0%)" in results
    assert "Inclusion: 1 (50.0%)" in results and "Parks: 2 (100.0%)" in results
    assert "Media 3.0 (de 2 a 4)" in results
    assert "Últimas respuestas:" in results and "« Ningú enrere »" in results

    await harness.press(ines, listing, button_data(listing, "Cerrar"))  # edited in place
    assert await status_of(sessions, consultation_id) == ConsultationStatus.closed


async def test_staff_buttons_are_refused_to_everyone_else(
    harness: Harness, sessions: SessionFactory
) -> None:
    consultation_id = await create_declaration(sessions)
    ines = harness.fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    listing = await harness.say(ines, "/consultations")
    mallory = harness.fake.make_user("Mallory", language_code="en")
    for label in ("Abrir e invitar", "Resultados"):
        data = next(b["callback_data"] for b in listing.buttons if b["text"] == label)
        await harness.press(mallory, listing, data)
        assert callback_answer(harness) == "Only the secretariat staff can do this."
    assert await status_of(sessions, consultation_id) == ConsultationStatus.draft
    assert harness.fake.sent_messages(mallory.id) == []


async def test_cities_that_have_not_answered_are_reminded_once_in_the_last_three_days(
    harness: Harness, sessions: SessionFactory
) -> None:
    fake = harness.fake
    barcelona = await add_city(sessions, "Barcelona", "ES")
    lyon = await add_city(sessions, "Lyon", "FR")
    marta, claire = fake.make_user("Marta"), fake.make_user("Claire")
    marta_id = await add_representative(sessions, marta, barcelona, "ca")
    await add_representative(sessions, claire, lyon, "fr")
    consultation_id = await create_declaration(sessions, days_open=2)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="t")
    await answer_all(
        sessions,
        consultation_id,
        marta_id,
        {"priority": "climate", "actions": ["parks"], "satisfaction": 3, "budget": 1},
    )

    ctx = SimpleNamespace(
        settings=SimpleNamespace(default_language="en", timezone="Europe/Madrid"), sessions=sessions
    )
    assert await send_consultation_reminders(ctx) == 1
    async with sessions() as session:
        assert await send_due_reminders(session) == 0  # a restart does not remind twice
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 1
        assert await session.scalar(select(func.count()).select_from(BroadcastMessage)) == 1
    assert await drain_outbox(harness) == 1
    reminder = fake.last_message(claire.id)
    assert (reminder.text or "").startswith("Rappel : la consultation <b>Déclaration 2026</b>")
    assert reminder.buttons[0] == {"text": "Répondre", "callback_data": f"co:{consultation_id}"}
    assert fake.sent_messages(marta.id) == []


async def test_staff_create_a_consultation_by_sending_its_file_then_open_it(
    harness: Harness, sessions: SessionFactory
) -> None:
    ines = harness.fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    send_document_with_caption(
        harness.fake, ines, declaration_yaml().encode(), "declaration.yaml", "/consultations"
    )
    await harness.process()
    told, card = harness.fake.sent_messages(ines.id)[-2:]
    assert told.text == "Consulta creada como borrador: revísela y pulse Abrir para invitar."
    async with sessions() as session:
        created = await session.scalar(
            select(Consultation).where(Consultation.slug == "declaration")
        )
    assert created is not None and created.status == ConsultationStatus.draft
    await harness.press(ines, card, button_data(card, "Abrir e invitar"))
    assert await status_of(sessions, created.id) == ConsultationStatus.open


async def test_a_bad_consultation_file_lists_every_problem_and_creates_nothing(
    harness: Harness, sessions: SessionFactory
) -> None:
    ines = harness.fake.make_user("Inés", language_code="en")
    await harness.make_staff(ines)
    bad = (
        declaration_yaml()
        .replace("type: scale", "type: slider")
        .replace("one_response_per: city", "one_response_per: town")
    )
    send_document_with_caption(harness.fake, ines, bad.encode(), "d.yaml", "/consultations")
    await harness.process()
    reply = harness.fake.last_message(ines.id).text or ""
    assert reply.startswith("The consultation was not created:")
    assert "questions[2].type" in reply and "one_response_per" in reply
    big = b"# " + b"x" * (300 * 1024)
    send_document_with_caption(harness.fake, ines, big, "big.yaml", "/consultations")
    await harness.process()
    assert harness.fake.last_message(ines.id).text == (
        "This file is too large for a consultation (256 KB at most)."
    )
    mallory = harness.fake.make_user("Mallory", language_code="en")
    send_document_with_caption(
        harness.fake, mallory, declaration_yaml().encode(), "d.yaml", "/consultations"
    )
    await harness.process()
    assert harness.fake.last_message(mallory.id).text == (
        "Sorry, only the secretariat staff can use this command."
    )
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Consultation)) == 0


async def test_staff_read_the_problems_of_their_consultation_file_in_their_language(
    harness: Harness, sessions: SessionFactory
) -> None:
    pau = harness.fake.make_user("Pau", language_code="ca")
    await harness.make_staff(pau)
    bad = (
        declaration_yaml()
        .replace("type: scale", "type: slider")
        .replace("one_response_per: city", "one_response_per: town")
        .replace("in: [inclusion]", "in: [culture]")
    )
    send_document_with_caption(harness.fake, pau, bad.encode(), "d.yaml", "/consultations")
    await harness.process()
    reply = html.unescape(harness.fake.last_message(pau.id).text or "")  # as Telegram shows it
    assert reply.splitlines() == [
        "La consulta no s'ha creat:",
        "one_response_per: ha de ser un d'aquests valors: city, person",
        "questions[2].type: ha de ser un d'aquests valors: "
        "single_choice, multi_choice, scale, text, number",
        "questions[3].show_if.in[0]: 'culture' no és una opció de 'priority'",
    ]
    declaration = declaration_yaml().encode()
    for _ in range(2):
        send_document_with_caption(harness.fake, pau, declaration, "d.yaml", "/consultations")
        await harness.process()
    assert html.unescape(harness.fake.last_message(pau.id).text or "").splitlines() == [
        "La consulta no s'ha creat:",
        "slug: ja existeix una consulta 'declaration'",
    ]
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Consultation)) == 1
