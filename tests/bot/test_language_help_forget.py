"""/language, /help and /forget as a person uses them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engagement.invites import create_invite
from storage.people import Person, PersonRole
from storage.representatives import CityInvite
from tests.bot.conftest import SIGNING_KEY, Harness, button_data


async def test_language_changes_every_later_message(harness: Harness) -> None:
    ana = harness.fake.make_user("Ana", language_code="en")
    asked = await harness.say(ana, "/language")
    await harness.press(ana, asked, button_data(asked, "Français"))
    assert harness.fake.last_message(ana.id).text == "Désormais, je vous écrirai en Français."

    help_text = (await harness.say(ana, "/help")).text or ""
    assert help_text.startswith("Voici ce que vous pouvez faire")
    person = await harness.person(ana)
    assert person is not None and person.language == "fr"


@pytest.mark.parametrize(
    ("who", "present", "absent"),
    [
        ("staff", ["/invite", "/requests"], []),
        ("representative", ["You represent Barcelona"], ["/invite", "/requests"]),
        ("newcomer", ["/start: tell me who you are"], ["/invite", "You represent"]),
    ],
)
async def test_help_lists_what_this_person_may_do(
    harness: Harness, who: str, present: list[str], absent: list[str]
) -> None:
    user = harness.fake.make_user("Ana", language_code="en")
    if who == "staff":
        await harness.make_staff(user)
    if who == "representative":
        city = await harness.add_city("Barcelona", "ES", ["en"])
        async with harness.sessions() as session:
            _invite, token = await create_invite(
                session, await session.merge(city), SIGNING_KEY, created_by="test"
            )
            await session.commit()
        await harness.say(user, f"/start {token}")
    text = (await harness.say(user, "/help")).text or ""
    for expected in present:
        assert expected in text
    for unexpected in absent:
        assert unexpected not in text
    assert "/forget" in text and "/language" in text


async def test_forget_asks_first_then_erases_the_person(harness: Harness) -> None:
    city = await harness.add_city("Barcelona", "ES", ["ca"])
    async with harness.sessions() as session:
        _invite, token = await create_invite(
            session, await session.merge(city), SIGNING_KEY, created_by="test"
        )
        await session.commit()
    marta = harness.fake.make_user("Marta", language_code="ca")
    await harness.say(marta, f"/start {token}")

    ask = await harness.say(marta, "/forget")
    assert "Ho esborrem tot?" in (ask.text or "")
    await harness.press(marta, ask, button_data(ask, "No, conserva-ho"))
    assert harness.fake.last_message(marta.id).text == "No s'ha esborrat res."
    assert await harness.person(marta) is not None

    ask = await harness.say(marta, "/forget")
    await harness.press(marta, ask, button_data(ask, "Sí, esborra-ho tot"))
    assert "he esborrat tot" in (harness.fake.last_message(marta.id).text or "")
    assert await harness.person(marta) is None
    async with harness.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PersonRole)) == 0
        assert await session.scalar(select(func.count()).select_from(Person)) == 0
        invite = await session.scalar(select(CityInvite))
    assert invite is not None and invite.used_at is not None and invite.used_by_person_id is None
