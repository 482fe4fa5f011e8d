"""`aive polls create FILE.yaml` and `aive polls results ID [--json]` on SQLite and PostgreSQL.

The CLI runs its own event loop, so each command runs in a thread beside the test's loop.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from app.cli.main import app
from engagement.polls import service
from storage.broadcasts import BroadcastMessage, MessageState
from storage.engine import SessionFactory
from storage.people import Person, PersonRole, Role
from tests.bot.consultation_support import add_city
from tests.bot.poll_support import theme_yaml

runner = CliRunner()

BAD = """
slug: Theme 2027
question: {en: "Which theme?", ca: "Quin tema?"}
options:
  - {id: inclusion, text: {en: Inclusion}}
  - {id: inclusion, text: {en: Climate, ca: Clima, xx-invalid: Nope}}
audience: mayors
networks: [mars]
anonymous: perhaps
closes_at: 2026-11-20T23:59:00
"""


@pytest.fixture
def cli_env(cli_database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def aive(*args: str) -> Result:
    return await asyncio.to_thread(runner.invoke, app, list(args))


async def test_create_reports_every_error_with_its_path_and_stores_nothing(
    cli_env: Path, sessions: SessionFactory
) -> None:
    path = cli_env / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = await aive("polls", "create", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"{path}: invalid poll"
    expected = [
        "slug: must be lowercase letters",
        "options[1].text: 'xx-invalid' is not a language code",
        "audience: must be one of city_representatives, youth, everyone",
        "anonymous: must be true or false",
        "closes_at: must include a UTC offset",
        "options[0].text.ca: missing (the question is asked in ca",
        "options[1].id: duplicate option id 'inclusion' (also options[0])",
        "options[1].text.xx-invalid: the question has no xx-invalid text",
        "networks[0]: unknown network 'mars'",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines[1:]), (start, lines)
    as_json = await aive("polls", "create", str(path), "--json")
    assert as_json.exit_code == 1
    assert len(json.loads(as_json.stdout)["errors"]) == len(lines) - 1
    async with sessions() as session:
        assert await session.scalar(select(BroadcastMessage.id)) is None
    missing = await aive("polls", "create", str(cli_env / "nope.yaml"))
    assert missing.exit_code == 2


async def test_create_then_results_as_json(cli_env: Path, sessions: SessionFactory) -> None:
    barcelona = await add_city(sessions, "Barcelona", "ES", "spain")
    async with sessions() as session:
        for telegram_id, lang in ((101, "ca"), (102, "en")):
            role = PersonRole(role=Role.city_representative, city_id=barcelona)
            session.add(Person(telegram_id=telegram_id, language=lang, roles=[role]))
        await session.commit()
    path = cli_env / "theme.yaml"
    path.write_text(theme_yaml(), encoding="utf-8")
    created = await aive("polls", "create", str(path))
    assert created.exit_code == 0, created.output
    poll_id = int(created.stdout.strip())
    again = await aive("polls", "create", str(path))
    assert (
        again.exit_code == 1 and f"slug: the poll 'theme-2027' exists (#{poll_id})" in again.output
    )

    # The worker sent both polls and Marta answered (as the bot would record it).
    async with sessions() as session:
        rows = (await session.scalars(select(BroadcastMessage))).all()
        assert sorted(r.language for r in rows) == ["ca", "en"]
        for row in rows:
            row.state, row.telegram_message_id = MessageState.sent, 1
            row.telegram_poll_id = f"tg-{row.chat_id}"
        await session.commit()
        marta = await session.scalar(select(Person).where(Person.telegram_id == 101))
        assert marta is not None
        await service.record_answer(session, "tg-101", marta, [2])

    result = await aive("polls", "results", str(poll_id), "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["voters"] == 1 and document["sent"] == 2 and document["status"] == "open"
    assert [(o["id"], o["count"], o["percent"]) for o in document["options"]] == [
        ("inclusion", 0, 0.0),
        ("climate", 0, 0.0),
        ("culture", 1, 100.0),
    ]
    assert document["networks"][0]["network"] == "spain"
    assert document["languages"] == {"ca": 1}
    table = await aive("polls", "results", str(poll_id))
    assert table.exit_code == 0 and "Culture" in table.stdout
    assert (await aive("polls", "results", "999")).exit_code == 1
