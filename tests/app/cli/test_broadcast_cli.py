"""`aive broadcast …` against a temporary SQLite database and a fake Bot API in a thread."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from app.cli.main import app
from storage.people import Person, PersonRole, Role
from tests.cli_database import run_in_session
from tests.fakes.telegram import FakeTelegram, load_bot_api_spec

runner = CliRunner()


@pytest.fixture
def fake_in_thread() -> Iterator[FakeTelegram]:
    """The fake Bot API served from its own event loop, since the CLI runs asyncio.run."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = FakeTelegram(load_bot_api_spec())
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result()
    yield fake
    asyncio.run_coroutine_threadsafe(fake.close(), loop).result()
    loop.call_soon_threadsafe(loop.stop)
    thread.join()
    loop.close()
    fake.assert_no_violations()


@pytest.fixture
def people(
    cli_sqlite_database: str, monkeypatch: pytest.MonkeyPatch, fake_in_thread: FakeTelegram
) -> list[int]:
    monkeypatch.setenv("AIVE_TELEGRAM_TOKEN", fake_in_thread.token)
    monkeypatch.setenv("AIVE_TELEGRAM_API_URL", fake_in_thread.url)
    users = [fake_in_thread.make_user(f"U{i}") for i in range(4)]

    async def _people(s: AsyncSession) -> None:
        for i, user in enumerate(users):
            roles = [PersonRole(role=Role.staff)] if i == 0 else []
            s.add(Person(telegram_id=user.id, language="fr", roles=roles))
        await s.commit()

    run_in_session(cli_sqlite_database, _people)
    return [u.id for u in users]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broadcast.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_staff_create_drain_and_read_the_status_of_a_broadcast(
    people: list[int], tmp_path: Path, fake_in_thread: FakeTelegram
) -> None:
    file = write(tmp_path, "text: {en: Hello, fr: Bonjour}\naudience: everyone\n")
    created = runner.invoke(app, ["broadcast", "create", str(file), "--json"])
    assert created.exit_code == 0, created.output
    assert json.loads(created.stdout) == {"id": 1, "chats": 4}

    drained = runner.invoke(app, ["broadcast", "drain"])
    assert drained.exit_code == 0, drained.output
    assert "4 messages handled" in drained.stdout
    assert [fake_in_thread.last_message(c).text for c in people] == ["Bonjour"] * 4

    status = runner.invoke(app, ["broadcast", "status", "1", "--json"])
    assert status.exit_code == 0
    document = json.loads(status.stdout)
    assert document["status"] == "done" and document["counts"]["sent"] == 4

    table = runner.invoke(app, ["broadcast", "status"])
    assert table.exit_code == 0 and "done" in table.stdout


def test_cancel_before_drain_sends_nothing(
    people: list[int], tmp_path: Path, fake_in_thread: FakeTelegram
) -> None:
    file = write(tmp_path, "text: {en: Staff only}\naudience: staff\n")
    assert runner.invoke(app, ["broadcast", "create", str(file)]).exit_code == 0
    cancelled = runner.invoke(app, ["broadcast", "cancel", "1"])
    assert cancelled.exit_code == 0 and "1 never sent" in cancelled.stdout
    assert runner.invoke(app, ["broadcast", "drain"]).exit_code == 0
    assert fake_in_thread.calls_to("sendMessage") == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("text: {en: Hi}\n", "either audience or chats"),
        ("text: {en: Hi}\naudience: martians\n", "audience: must be one of"),
        ("kind: photo\nfile: missing.jpg\naudience: everyone\n", "file: cannot read missing.jpg"),
        ("text: {}\nchats: [1]\n", "needs text"),
        ("- not a mapping\n", "must be a mapping"),
    ],
)
def test_a_bad_broadcast_file_is_refused_with_the_reason(
    people: list[int], tmp_path: Path, text: str, reason: str
) -> None:
    result = runner.invoke(app, ["broadcast", "create", str(write(tmp_path, text))])
    assert result.exit_code == 1  # like the café, poll and consultation files
    assert reason in result.stderr


def test_unknown_broadcast_fails(people: list[int]) -> None:
    result = runner.invoke(app, ["broadcast", "status", "99"])
    assert result.exit_code == 1 and "no broadcast 99" in result.stderr


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("kind: &k text\ntext: hi\naudience: *k\n", "aliases (*k) are not allowed"),
        ("kind: text\ntext: " + "[" * 20_000 + "]" * 20_000 + "\n", "nested deeper than 50"),
        ("kind: [text]\ntext: hi\naudience: everyone\n", "kind: must be one of"),
        ("kind: text\ntext: hi\naudience: {everyone: 1}\n", "audience: must be one of"),
    ],
)
def test_create_refuses_aliases_deep_nesting_and_wrong_types_with_a_clear_line(
    cli_sqlite_database: str, tmp_path: Path, text: str, reason: str
) -> None:
    result = runner.invoke(app, ["broadcast", "create", str(write(tmp_path, text))])
    # a file we do not read (an alias, too deep) is 2; a file read but wrong is 1, as for cafés
    unreadable = "aliases" in reason or "nested" in reason
    assert result.exit_code == (2 if unreadable else 1), result.output
    assert reason in result.output
    assert "Traceback" not in result.output
