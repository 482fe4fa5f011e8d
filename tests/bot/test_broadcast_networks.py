"""A broadcast file's `networks:` reaches only those networks' people, each in the language the
bot greeted them in; unknown keys in broadcast, café, poll and consultation files are refused
with their path (issue 14)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli.main import app as cli
from engagement.cafes.definition import CafeDefinitionError
from engagement.cafes.schema import load_cafe
from engagement.consultations.definition_check import load_definition
from engagement.polls.errors import PollDefinitionError
from engagement.polls.schema import load_poll
from engagement.problems import ProblemsError
from storage.engine import SessionFactory
from storage.people import Person, PersonRole, Role
from tests.bot.cafe_support import cafe_yaml
from tests.bot.conftest import Harness
from tests.bot.consultation_support import add_city, declaration_yaml, drain_outbox
from tests.bot.poll_support import theme_yaml
from tests.fakes.telegram_objects import FakeUser

runner = CliRunner()
TEXTS = "text: {en: Hello, ca: Hola a tothom, es: Hola a todos, fr: Bonjour à tous}\n"


def aive(database_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args), env={"AIVE_DATABASE_URL": database_url})
    return result.exit_code, result.output


async def _greeted_representative(
    harness: Harness, sessions: SessionFactory, user: FakeUser, city_id: int
) -> None:
    """The person writes /help (greeted in Telegram's language, no button pressed), then the
    secretariat makes them the city's representative."""
    await harness.say(user, "/help")
    async with sessions() as session:
        person = await session.scalar(select(Person).where(Person.telegram_id == user.id))
        assert person is not None
        session.add(PersonRole(person_id=person.id, role=Role.city_representative, city_id=city_id))
        await session.commit()


async def test_a_network_broadcast_reaches_only_that_network_each_in_the_greeted_language(
    harness: Harness, sessions: SessionFactory, database_url: str, tmp_path: Path
) -> None:
    barcelona = await add_city(sessions, "Barcelona", "ES", "spain")
    lyon = await add_city(sessions, "Lyon", "FR", "francophone")
    marta = harness.fake.make_user("Marta", language_code="ca")
    jordi = harness.fake.make_user("Jordi", language_code="es-ES")
    claire = harness.fake.make_user("Claire", language_code="fr")
    for user, city in ((marta, barcelona), (jordi, barcelona), (claire, lyon)):
        await _greeted_representative(harness, sessions, user, city)

    file = tmp_path / "spain.yaml"
    file.write_text(TEXTS + "audience: city_representatives\nnetworks: [spain]\n", "utf-8")
    code, out = await asyncio.to_thread(aive, database_url, "broadcast", "create", str(file))
    assert code == 0, out
    assert "2 chats queued" in out
    assert await drain_outbox(harness) == 2
    assert harness.fake.last_message(marta.id).text == "Hola a tothom"
    assert harness.fake.last_message(jordi.id).text == "Hola a todos"
    assert all(m.text != "Bonjour à tous" for m in harness.fake.sent_messages(claire.id))


async def test_a_broadcast_file_with_unknown_keys_or_networks_is_refused_with_every_path(
    sessions: SessionFactory, database_url: str, tmp_path: Path
) -> None:
    await add_city(sessions, "Barcelona", "ES", "spain")
    file = tmp_path / "typo.yaml"
    file.write_text(
        TEXTS + "audience: city_representatives\nnetwroks: [spain]\nbogus: 1\n"
        "networks: [spain, atlantis]\n",
        "utf-8",
    )
    code, out = await asyncio.to_thread(aive, database_url, "broadcast", "create", str(file))
    assert code == 1
    assert "netwroks: unknown field" in out and "bogus: unknown field" in out
    assert "networks[1]: unknown network 'atlantis'" in out

    file.write_text(TEXTS + "chats: [1, two]\nnetworks: [spain]\n", "utf-8")
    code, out = await asyncio.to_thread(aive, database_url, "broadcast", "create", str(file))
    assert code == 1
    assert "chats: must be a list of Telegram chat ids (integers)" in out
    assert "networks: only with audience" in out


@pytest.mark.parametrize("kind", ["cafe", "poll", "consultation"])
def test_cafe_poll_and_consultation_files_refuse_unknown_keys(kind: str) -> None:
    from datetime import timedelta

    from storage.base import utcnow

    source = {
        "cafe": lambda: cafe_yaml(utcnow() + timedelta(days=3)),
        "poll": theme_yaml,
        "consultation": declaration_yaml,
    }[kind]() + "bogus: 1\n"
    loaders = {
        "cafe": lambda: load_cafe(source, None),
        "poll": lambda: load_poll(source),
        "consultation": lambda: load_definition(source),
    }
    errors = (CafeDefinitionError, PollDefinitionError, ProblemsError)
    with pytest.raises(errors) as refused:
        loaders[kind]()
    assert any(line.startswith("bogus") for line in str(refused.value).splitlines())
