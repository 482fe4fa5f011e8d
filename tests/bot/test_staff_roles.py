"""The bot's staff commands follow the console's permission table: a Telegram staff member
linked to a console account has its role; staff from before roles keep every command."""

from __future__ import annotations

from app.people import person_by_telegram_id
from storage import staff_queries
from storage.staff import StaffRole
from tests.bot.conftest import Harness
from tests.fakes.telegram import FakeUser


async def link(harness: Harness, user: FakeUser, role: StaffRole) -> None:
    await harness.make_staff(user)
    async with harness.sessions() as session:
        person = await person_by_telegram_id(session, user.id)
        assert person is not None
        await staff_queries.add_staff(
            session,
            email=f"{user.id}@aive.test",
            name=user.first_name,
            role=role,
            language="en",
            actor="test",
            person_id=person.id,
        )
        await session.commit()


async def test_a_linked_moderator_runs_ideas_but_not_bulletins(harness: Harness) -> None:
    mo = harness.fake.make_user("Mo", language_code="en")
    await link(harness, mo, StaffRole.moderator)
    refused = await harness.say(mo, "/bulletins")
    assert refused.text == "Sorry, your staff role does not allow this command."
    ideas = await harness.say(mo, "/ideas")
    assert ideas.text != "Sorry, your staff role does not allow this command."


async def test_a_linked_viewer_changes_nothing_and_legacy_staff_keep_every_command(
    harness: Harness,
) -> None:
    await harness.add_city("Barcelona", "ES", ["ca"])
    vera = harness.fake.make_user("Vera", language_code="en")
    await link(harness, vera, StaffRole.viewer)
    assert (await harness.say(vera, "/invite Barcelona")).text == (
        "Sorry, your staff role does not allow this command."
    )
    ines = harness.fake.make_user("Inés", language_code="en")
    await harness.make_staff(ines)  # granted in the bot, no console account
    assert "start=" in ((await harness.say(ines, "/invite Barcelona")).text or "")
