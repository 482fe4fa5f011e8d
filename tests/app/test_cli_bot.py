"""`aive cities invite` and `aive bot set-webhook` from the command line."""

from __future__ import annotations

import asyncio
import email
import json
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli.main import app
from storage.engine import SessionFactory
from storage.networks import City
from storage.representatives import CityInvite
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


async def test_marta_gets_her_invitation_by_email_in_catalan(
    sessions: SessionFactory, env: dict[str, str], tmp_path: Path
) -> None:
    async with sessions() as session:
        session.add(City(name="Barcelona", country="ES", languages=["ca", "es"]))
        await session.commit()
    env |= {"AIVE_OUTBOX_DIR": str(tmp_path / "outbox")}
    args = ["cities", "invite", "Barcelona", "--bot", "aive_bot", "--json"]
    result = await _invoke([*args, "--email", "marta@bcn.example", "--name", "Marta"], env)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["emailed"] == "marta@bcn.example"
    [sent] = list((tmp_path / "outbox").glob("*.eml"))
    mail = email.message_from_bytes(sent.read_bytes(), policy=policy.default)
    assert mail["To"] == "Marta <marta@bcn.example>"
    assert mail["Subject"] == "La vostra invitació al bot de Ciutats Educadores per a Barcelona"
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert text.startswith("Hola, Marta:\r\n")  # SMTP line endings
    assert "us convida a representar Barcelona" in text
    assert document["link"] in text
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f'href="{document["link"]}"' in html and "Obrir el bot a Telegram" in html


async def test_a_bad_email_address_is_refused_before_any_invitation_is_made(
    sessions: SessionFactory, env: dict[str, str], tmp_path: Path
) -> None:
    async with sessions() as session:
        session.add(City(name="Lyon", country="FR", languages=["fr"]))
        await session.commit()
    env |= {"AIVE_OUTBOX_DIR": str(tmp_path / "outbox")}
    result = await _invoke(
        ["cities", "invite", "Lyon", "--bot", "aive_bot", "--email", "claire@"], env
    )
    assert result.exit_code == 2
    assert "--email:" in result.output
    async with sessions() as session:
        assert (await session.scalars(select(CityInvite))).all() == []
    assert not (tmp_path / "outbox").exists() or not list((tmp_path / "outbox").iterdir())


async def test_set_webhook_needs_the_secret(env: dict[str, str]) -> None:
    env |= {"AIVE_TELEGRAM_TOKEN": "1:abc"}
    result = await _invoke(["bot", "set-webhook"], env)
    assert result.exit_code == 2 and "AIVE_TELEGRAM_WEBHOOK_SECRET" in result.output
