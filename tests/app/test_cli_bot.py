"""`aive cities invite` and `aive bot set-webhook` from the command line."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

from app.cli.main import app
from storage.engine import SessionFactory
from storage.networks import City
from tests.fakes.telegram import FakeTelegram


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for key in ("AIVE_TELEGRAM_TOKEN", "AIVE_TELEGRAM_WEBHOOK_SECRET"):
        monkeypatch.delenv(key, raising=False)
    return {"AIVE_DATABASE_URL": database_url, "AIVE_SECRET_KEY": "cli-test-key"}


async def _invoke(args: list[str], env: dict[str, str]):  # type: ignore[no-untyped-def]
    return await asyncio.to_thread(CliRunner().invoke, app, args, env=env)


async def test_cities_invite_prints_one_json_document_with_a_deep_link(
    sessions: SessionFactory, fake_telegram: FakeTelegram, env: dict[str, str]
) -> None:
    async with sessions() as session:
        session.add(City(name="Barcelona", country="ES", languages=["ca"]))
        await session.commit()
    env |= {"AIVE_TELEGRAM_TOKEN": fake_telegram.token, "AIVE_TELEGRAM_API_URL": fake_telegram.url}
    result = await _invoke(["cities", "invite", "barcelona", "--json"], env)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["city"] == "Barcelona"
    assert document["link"].startswith("https://t.me/aive_test_bot?start=")
    assert len(document["link"].split("start=")[1]) <= 64


async def test_cities_invite_refuses_unknown_city_and_missing_bot_name(
    sessions: SessionFactory, env: dict[str, str]
) -> None:
    result = await _invoke(["cities", "invite", "Atlantis", "--bot", "aive_bot"], env)
    assert result.exit_code == 1 and "no city 'Atlantis'" in result.output
    result = await _invoke(["cities", "invite", "Atlantis"], env)
    assert result.exit_code == 2 and "AIVE_TELEGRAM_TOKEN" in result.output
    result = await _invoke(["cities", "invite", "Atlantis", "--bot", "b", "--lang", "de"], env)
    assert result.exit_code == 2


async def test_set_webhook_needs_the_secret(env: dict[str, str]) -> None:
    env |= {"AIVE_TELEGRAM_TOKEN": "1:abc"}
    result = await _invoke(["bot", "set-webhook"], env)
    assert result.exit_code == 2 and "AIVE_TELEGRAM_WEBHOOK_SECRET" in result.output
