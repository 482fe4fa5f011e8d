"""/start without an invitation: language, then who you are; representatives are approved."""

from __future__ import annotations

from sqlalchemy import select

from storage.people import Role
from storage.representatives import RepresentativeRequest, RequestStatus
from tests.bot.conftest import Harness, button_data


async def test_start_asks_language_then_role_and_remembers_a_young_person(
    harness: Harness,
) -> None:
    yuna = harness.fake.make_user("Yuna", language_code="ko")
    asked = await harness.say(yuna, "/start")
    assert "Which language do you prefer?" in (asked.text or "")  # Korean: default English
    assert {b["text"] for b in asked.buttons} >= {"Català", "English", "Français"}

    await harness.press(yuna, asked, button_data(asked, "English"))
    roles = harness.fake.last_message(yuna.id)
    assert roles.text == "Who are you?"

    await harness.press(yuna, roles, button_data(roles, "young person"))
    person = await harness.person(yuna)
    assert person is not None and person.language == "en" and person.has_role(Role.youth)
    # the youth voice takes over: an age bracket first (tests/bot/test_youth_voice.py)
    assert "how old are you?" in (harness.fake.last_message(yuna.id).text or "")


async def test_start_speaks_telegrams_language_before_one_is_chosen(harness: Harness) -> None:
    joao = harness.fake.make_user("João", language_code="pt-br")
    asked = await harness.say(joao, "/start")
    assert asked.text == "Olá! Que idioma prefere?"


async def test_representative_asks_and_staff_approves_with_a_button(harness: Harness) -> None:
    await harness.add_city("Barcelona", "ES", ["ca", "es"])
    ines = harness.fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    choose = await harness.say(ines, "/language")
    await harness.press(ines, choose, button_data(choose, "Español"))
    pau = harness.fake.make_user("Pau", language_code="en")
    await harness.make_staff(pau)
    marta = harness.fake.make_user("Marta", language_code="ca")

    asked = await harness.say(marta, "/start")
    await harness.press(marta, asked, button_data(asked, "Català"))
    roles = harness.fake.last_message(marta.id)
    await harness.press(marta, roles, button_data(roles, "ciutat membre"))
    assert "Quina ciutat representeu?" in (harness.fake.last_message(marta.id).text or "")

    nothing = await harness.say(marta, "Barcelonetta")
    assert "No he trobat cap ciutat" in (nothing.text or "")
    choice = await harness.say(marta, "barcelona")
    await harness.press(marta, choice, button_data(choice, "Barcelona (ES)"))
    assert "El secretariat confirmarà" in (harness.fake.last_message(marta.id).text or "")

    to_staff = harness.fake.last_message(ines.id)
    assert "Marta" in (to_staff.text or "") and "Barcelona" in (to_staff.text or "")
    approve = button_data(to_staff, "Aprobar")  # Inés reads Spanish

    await harness.press(ines, to_staff, approve)
    person = await harness.person(marta)
    assert person is not None and len(person.represented_city_ids()) == 1
    assert "Bones notícies" in (harness.fake.last_message(marta.id).text or "")
    assert "Aprobada (Inés)" in (harness.fake.last_message(ines.id).text or "")
    assert harness.fake.last_message(ines.id).buttons == []

    # the other staff member's copy of the request: pressing it later changes nothing
    pau_copy = harness.fake.last_message(pau.id)
    await harness.press(pau, pau_copy, button_data(pau_copy, "Reject"))
    query = list(harness.fake.world.callback_queries.values())[-1]
    assert query.answer and "Someone already decided" in query.answer.get("text", "")
    person = await harness.person(marta)
    assert person is not None and len(person.represented_city_ids()) == 1


async def test_a_non_staff_person_pressing_approve_is_refused(harness: Harness) -> None:
    await harness.add_city("Lisboa", "PT", ["pt"])
    ines = harness.fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    joao = harness.fake.make_user("João", language_code="pt")
    intruder = harness.fake.make_user("Mallory", language_code="en")

    asked = await harness.say(joao, "/start")
    await harness.press(joao, asked, button_data(asked, "Português"))
    roles = harness.fake.last_message(joao.id)
    await harness.press(joao, roles, button_data(roles, "cidade membro"))
    choice = await harness.say(joao, "Lisboa")
    await harness.press(joao, choice, button_data(choice, "Lisboa"))
    to_staff = harness.fake.last_message(ines.id)

    await harness.press(intruder, to_staff, button_data(to_staff, "Approve"))
    query = list(harness.fake.world.callback_queries.values())[-1]
    assert query.answer and "Only the secretariat staff" in query.answer.get("text", "")
    async with harness.sessions() as session:
        request = await session.scalar(select(RepresentativeRequest))
    assert request is not None and request.status == RequestStatus.pending
    person = await harness.person(joao)
    assert person is not None and person.represented_city_ids() == []
