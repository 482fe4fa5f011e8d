"""`aive staff add --email --role` gives a console account; `aive staff login-link EMAIL`
prints a one-time link for a first sign-in on a fresh install."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from app.cli import app
from storage import staff_queries
from storage.base import utcnow
from storage.staff import StaffRole
from tests.cli_database import run_in_session
from web.console.magic_links import LINK_LIFETIME, use_link

runner = CliRunner()
KEY = "cli-staff-test-key-that-is-long-enough"


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIVE_SECRET_KEY", KEY)
    monkeypatch.setenv("AIVE_PUBLIC_URL", "https://aive.example")


def test_first_owner_gets_a_one_time_link_from_the_terminal(cli_database: str) -> None:
    added = runner.invoke(
        app, ["staff", "add", "--email", "Olga@AIVE.test", "--role", "owner", "--name", "Olga"]
    )
    assert added.exit_code == 0, added.output
    assert "can sign in to the console as owner" in added.output
    printed = runner.invoke(app, ["staff", "login-link", "olga@aive.test"])
    assert printed.exit_code == 0, printed.output
    link = printed.output.strip()
    assert link.startswith("https://aive.example/console/sign-in/link/")
    token = link.rsplit("/", 1)[1]

    async def _use_twice(session: AsyncSession) -> tuple[int | None, int | None]:
        first = await use_link(session, KEY, token, utcnow(), LINK_LIFETIME)
        second = await use_link(session, KEY, token, utcnow(), LINK_LIFETIME)
        await session.commit()
        return first, second

    first, second = run_in_session(cli_database, _use_twice)
    assert first is not None and second is None


def test_a_role_changes_and_a_telegram_staff_member_is_linked(cli_database: str) -> None:
    runner.invoke(app, ["staff", "add", "--email", "ines@aive.test", "--lang", "es"])
    changed = runner.invoke(
        app, ["staff", "add", "4242", "--email", "ines@aive.test", "--role", "viewer"]
    )
    assert changed.exit_code == 0, changed.output
    assert "4242 is now staff" in changed.output and "is now viewer" in changed.output
    listed = runner.invoke(app, ["staff", "list", "--json"])
    [ines] = json.loads(listed.output)
    assert (ines["role"], ines["language"]) == ("viewer", "es")

    async def _member(session: AsyncSession) -> tuple[StaffRole, int | None] | None:
        found = await staff_queries.staff_by_telegram_id(session, 4242)
        return (found.role, found.person_id) if found else None

    found = run_in_session(cli_database, _member)
    assert found is not None and found[0] == StaffRole.viewer and found[1] is not None


def test_bad_usage_and_unknown_addresses_are_refused(cli_database: str) -> None:
    assert runner.invoke(app, ["staff", "add"]).exit_code == 2
    assert runner.invoke(app, ["staff", "add", "--email", "a@b.c", "--role", "boss"]).exit_code == 2
    assert runner.invoke(app, ["staff", "add", "--email", "not-an-address"]).exit_code == 2
    unknown = runner.invoke(app, ["staff", "login-link", "nobody@aive.test"])
    assert unknown.exit_code == 1
    assert "No active staff member has the address nobody@aive.test" in unknown.output
