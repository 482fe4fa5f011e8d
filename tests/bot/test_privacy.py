"""Each role's stored row holds nothing beyond what /privacy lists: a young person's surname is
never kept, their first name only when they sign with it; a representative's name is kept and
said; a migration erases the names no role needs (issue 14)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select, text

from storage import migrate
from storage.engine import create_engine
from storage.people import Person
from storage.youth import YouthProfile
from tests.bot.conftest import Harness, button_data
from tests.bot.test_invites import _invite
from tests.fakes.telegram_objects import FakeUser

EVERYONE = ("your Telegram user id", "the language I speak to you")


def _surnamed(harness: Harness, first: str, last: str, language: str = "en") -> FakeUser:
    user = harness.fake.make_user(first, language_code=language, username=f"{first}{last}".lower())
    return replace(user, last_name=last)


async def _stored(harness: Harness, user: FakeUser) -> tuple[Person, YouthProfile | None]:
    async with harness.sessions() as session:
        person = await session.scalar(select(Person).where(Person.telegram_id == user.id))
        assert person is not None
        profile = await session.scalar(
            select(YouthProfile).where(YouthProfile.person_id == person.id)
        )
        return person, profile


async def _young(harness: Harness, user: FakeUser, sign: str) -> None:
    asked = await harness.say(user, "/start")
    await harness.press(user, asked, button_data(asked, "English"))
    roles = harness.fake.last_message(user.id)
    await harness.press(user, roles, button_data(roles, "young person"))
    ages = harness.fake.last_message(user.id)
    await harness.press(user, ages, button_data(ages, "18 or older"))
    signing = harness.fake.last_message(user.id)
    await harness.press(user, signing, button_data(signing, sign))


async def test_a_young_person_signing_with_their_first_name_keeps_only_that(
    harness: Harness,
) -> None:
    yuna = _surnamed(harness, "Yuna", "Kim")
    await _young(harness, yuna, "With my first name (Yuna)")

    person, profile = await _stored(harness, yuna)
    assert person.display_name == ""  # no surname, no full name on the person
    assert person.language == "en" and person.timezone is None
    assert profile is not None and profile.first_name == "Yuna"
    said = (await harness.say(yuna, "/privacy")).text or ""
    assert all(item in said for item in EVERYONE)
    assert "your first name (Yuna), because you chose to sign with it" in said
    assert "Kim" not in said and "no surname, username, phone number or photo" in said


async def test_an_anonymous_young_person_keeps_no_name_at_all(harness: Harness) -> None:
    leo = _surnamed(harness, "Leo", "Martins")
    await _young(harness, leo, "Anonymously")

    person, profile = await _stored(harness, leo)
    assert person.display_name == ""
    assert profile is not None and profile.first_name is None
    said = (await harness.say(leo, "/privacy")).text or ""
    assert "first name" not in said and "name as Telegram shows it" not in said


async def test_a_member_keeps_no_name(harness: Harness) -> None:
    ana = _surnamed(harness, "Ana", "Lopes")
    asked = await harness.say(ana, "/start")
    await harness.press(ana, asked, button_data(asked, "English"))
    roles = harness.fake.last_message(ana.id)
    await harness.press(ana, roles, button_data(roles, "follow"))

    person, _profile = await _stored(harness, ana)
    assert person.display_name == ""
    said = (await harness.say(ana, "/privacy")).text or ""
    assert "name" not in said.split("Nothing else")[0]


async def test_a_representative_keeps_the_name_colleagues_see_and_privacy_says_so(
    harness: Harness,
) -> None:
    city = await harness.add_city("Barcelona", "ES", ["ca"])
    marta = _surnamed(harness, "Marta", "Puig", "ca")
    await harness.say(marta, f"/start {await _invite(harness, city, language='en')}")

    person, profile = await _stored(harness, marta)
    assert person.display_name == "Marta Puig" and profile is None
    said = (await harness.say(marta, "/privacy")).text or ""
    assert "your name as Telegram shows it (Marta Puig)" in said
    assert "the cities you represent" in said


async def test_the_migration_erases_the_names_no_role_needs(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/old.db")
    await migrate.upgrade(engine, "0130")
    async with engine.begin() as connection:
        for pid, name, role in [
            (1, "Yuna Kim", "youth"),
            (2, "Ana Lopes", "member"),
            (3, "Marta Puig", "city_representative"),
            (4, "Inés Soler", "staff"),
            (5, "Nobody Yet", None),
        ]:
            await connection.execute(
                text(
                    "INSERT INTO people (id, telegram_id, display_name, active, created_at) "
                    "VALUES (:id, :tg, :name, 1, '2026-01-01 00:00:00')"
                ),
                {"id": pid, "tg": 100 + pid, "name": name},
            )
            if role:
                await connection.execute(
                    text(
                        "INSERT INTO person_roles (person_id, role, granted_at) "
                        "VALUES (:id, :role, '2026-01-01 00:00:00')"
                    ),
                    {"id": pid, "role": role},
                )
    await migrate.upgrade(engine)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT id, display_name FROM people"))).all()
        names: dict[int, str] = {pid: name for pid, name in rows}
    await engine.dispose()
    assert names == {1: "", 2: "", 3: "Marta Puig", 4: "Inés Soler", 5: ""}
