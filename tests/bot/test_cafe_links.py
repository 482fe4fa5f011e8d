"""Cafés in chat: `/start f<id>` (the link on a café's public page) opens its invitation;
staff schedule a café by sending its YAML file."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from storage.cafes import Cafe, CafeSeat, SeatState
from tests.bot.cafe_support import add_person, cafe_yaml, schedule_cafe
from tests.bot.conftest import Harness, button_data
from tests.bot.poll_support import send_document_with_caption

START = datetime(2027, 3, 17, 16, 0, tzinfo=UTC)


async def test_a_visitor_opens_the_link_and_joins_in_their_language(harness: Harness) -> None:
    cafe_id, _ = await schedule_cafe(harness.sessions, START, START - timedelta(days=30))
    marie = harness.fake.make_user("Marie", language_code="fr")
    invitation = await harness.say(marie, f"/start f{cafe_id}")
    assert "Rues scolaires" in (invitation.text or "")
    await harness.press(marie, invitation, button_data(invitation, "inscrire"))
    async with harness.sessions() as session:
        seats = (await session.scalars(select(CafeSeat).where(CafeSeat.cafe_id == cafe_id))).all()
    assert [s.state for s in seats] == [SeatState.registered]


async def test_a_cafe_for_city_representatives_is_refused_to_others(harness: Harness) -> None:
    cafe_id, _ = await schedule_cafe(harness.sessions, START, START - timedelta(days=30))
    async with harness.sessions() as session:
        await session.execute(
            update(Cafe).where(Cafe.id == cafe_id).values(audience="city_representatives")
        )
        await session.commit()
    visitor = harness.fake.make_user("Pau", language_code="ca")
    refused = await harness.say(visitor, f"/start f{cafe_id}")
    assert refused.text == (
        "Aquest cafè és per a les persones representants de les ciutats membres. "
        "La secretaria envia les invitacions en aquest xat."
    )
    assert refused.buttons == []
    rep = harness.fake.make_user("Rita", language_code="pt")
    await add_person(harness.sessions, rep, "pt", city=("Porto", "PT", "portugal"))
    invitation = await harness.say(rep, f"/start f{cafe_id}")
    assert "Ruas escolares" in (invitation.text or "") and invitation.buttons


async def test_unknown_and_finished_cafes_are_answered_plainly(harness: Harness) -> None:
    ana = harness.fake.make_user("Ana", language_code="es")
    assert (await harness.say(ana, "/start f999")).text == "Este café ya no existe."
    cafe_id, _ = await schedule_cafe(harness.sessions, START, START - timedelta(days=30))
    async with harness.sessions() as session:
        past = datetime.now(UTC) - timedelta(days=3)
        await session.execute(update(Cafe).where(Cafe.id == cafe_id).values(starts_at=past))
        await session.commit()
    assert (await harness.say(ana, f"/start f{cafe_id}")).text == "Este café ya ha terminado."


# Staff schedule a café by sending its YAML file ------------------------------------------


async def test_staff_schedule_a_cafe_by_sending_its_file_and_the_audience_is_invited(
    harness: Harness,
) -> None:
    ines = harness.fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    marie = harness.fake.make_user("Marie", language_code="fr")
    await add_person(harness.sessions, marie, "fr")
    source = cafe_yaml(START).replace("evaluation:", "evaluation_unused:")
    source = source[: source.index("evaluation_unused:")]  # no evaluation: simpler file
    send_document_with_caption(harness.fake, ines, source.encode(), "cafe.yaml", "/cafes")
    await harness.process()
    reply = harness.fake.last_message(ines.id).text or ""
    assert reply.startswith("Café n.º 1 (school-streets) guardado para el miércoles, 17 de marzo")
    assert reply.endswith("invitaciones en cola: 2.")  # Marie and Inés: the café is for everyone
    async with harness.sessions() as session:
        cafe = await session.scalar(select(Cafe).where(Cafe.slug == "school-streets"))
    assert cafe is not None and cafe.created_by == f"telegram:{ines.id}"


async def test_a_bad_cafe_file_is_answered_with_every_problem_and_nothing_is_stored(
    harness: Harness,
) -> None:
    ines = harness.fake.make_user("Inés", language_code="en")
    await harness.make_staff(ines)
    bad = (
        cafe_yaml(START)
        .replace("capacity: 2", "capacity: many")
        .replace("language: es", "language: Spanish")
    )
    send_document_with_caption(harness.fake, ines, bad.encode(), "cafe.yaml", "/cafes")
    await harness.process()
    reply = harness.fake.last_message(ines.id).text or ""
    assert reply.startswith("The café was not scheduled:")
    assert "capacity:" in reply and "language:" in reply
    # an evaluation in another file cannot be read from chat
    by_name = cafe_yaml(START)
    by_name = by_name[: by_name.index("evaluation:")] + "evaluation: eval.yaml\n"
    send_document_with_caption(harness.fake, ines, by_name.encode(), "cafe.yaml", "/cafes")
    await harness.process()
    assert "evaluation: write it inline here" in (harness.fake.last_message(ines.id).text or "")
    send_document_with_caption(harness.fake, ines, b"\xff\xfe bad", "cafe.yaml", "/cafes")
    await harness.process()
    assert harness.fake.last_message(ines.id).text == "The file must be YAML text in UTF-8."
    async with harness.sessions() as session:
        assert (await session.scalars(select(Cafe))).all() == []


async def test_a_cafe_file_from_someone_not_staff_is_refused(harness: Harness) -> None:
    ana = harness.fake.make_user("Ana", language_code="es")
    send_document_with_caption(harness.fake, ana, cafe_yaml(START).encode(), "c.yaml", "/cafes")
    await harness.process()
    assert harness.fake.last_message(ana.id).text == (
        "Lo sentimos, solo el equipo del secretariado puede usar este comando."
    )
    async with harness.sessions() as session:
        assert (await session.scalars(select(Cafe))).all() == []


async def test_staff_read_the_problems_of_their_cafe_file_in_their_language(
    harness: Harness,
) -> None:
    ines = harness.fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    bad = (
        cafe_yaml(START)
        .replace("{name: Ana Ruiz, gender: woman, country: ES}", "{gender: woman, country: ES}")
        .replace("capacity: 2", "capacity: 0")
        .replace("language: es", "language: Spanish")
        .replace("timezone: Europe/Madrid", "timezone: Europe/Mars")
    )
    send_document_with_caption(harness.fake, ines, bad.encode(), "cafe.yaml", "/cafes")
    await harness.process()
    reply = html.unescape(harness.fake.last_message(ines.id).text or "")  # as Telegram shows it
    assert reply.splitlines() == [
        "El café no se ha programado:",
        "language: 'Spanish' no es válido (un código como es)",
        "timezone: zona horaria desconocida 'Europe/Mars' (p. ej. Europe/Madrid)",
        "capacity: debe estar entre 1 y 10000",
        "speakers[0].name: falta",
    ]
    async with harness.sessions() as session:
        assert (await session.scalars(select(Cafe))).all() == []
