"""`aive subscribers`, `aive demo`, the processes and `aive bot` speak the operator's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli.main import app

runner = CliRunner()
FRENCH = {"LANGUAGE": "fr"}


@pytest.fixture
def cli_env(cli_seeded_database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("AIVE_TELEGRAM_TOKEN", "AIVE_TELEGRAM_WEBHOOK_SECRET", "AIVE_WEB_PORT"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AIVE_SECRET_KEY", "cli-test-key")
    monkeypatch.setenv("AIVE_PUBLIC_URL", "https://news.example.org")
    monkeypatch.setenv("AIVE_OUTBOX_DIR", str(tmp_path / "outbox"))


def test_staff_imports_subscribers_and_reads_the_summary_in_french(
    cli_env: None, tmp_path: Path
) -> None:
    file = tmp_path / "subscribers.csv"
    file.write_text("email\nana@example.es\nnope\n", encoding="utf-8")
    result = runner.invoke(app, ["subscribers", "import", str(file)], env=FRENCH)
    assert result.exit_code == 0, result.output
    assert (
        "abonnés ajoutés : 1 (en attente, e-mail de confirmation envoyé), lignes rejetées : 1"
        in result.output
    )
    assert "Lignes rejetées" in result.output


def test_a_newcomer_loads_the_demo_in_french(cli_env: None) -> None:
    result = runner.invoke(app, ["demo", "load"], env=FRENCH)
    assert result.exit_code == 0, result.output
    assert (
        "démo : 5 villes d'exemple, 5 flux, 15 articles, 1 café virtuel, 1 consultation ouverte "
        "et 5 bulletins chargés ; ouvrez https://news.example.org/archive/" in result.output
    )


def test_an_operator_starting_the_web_with_a_bad_port_reads_why_in_french(
    cli_env: None,
) -> None:
    result = runner.invoke(app, ["web"], env={**FRENCH, "AIVE_WEB_PORT": "abc"})
    assert result.exit_code == 2
    assert "erreur de configuration : AIVE_WEB_PORT" in result.output


def test_setting_the_webhook_without_its_secret_is_explained_in_french(cli_env: None) -> None:
    result = runner.invoke(
        app, ["bot", "set-webhook"], env={**FRENCH, "AIVE_TELEGRAM_TOKEN": "1:abc"}
    )
    assert result.exit_code == 2
    assert (
        "AIVE_TELEGRAM_WEBHOOK_SECRET n'est pas défini : Telegram doit l'envoyer avec chaque "
        "mise à jour" in result.output
    )
