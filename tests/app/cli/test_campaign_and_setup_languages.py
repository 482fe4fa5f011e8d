"""`aive db`, `aive config`, `aive staff` and `aive campaign` speak the operator's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli.main import app

runner = CliRunner()
FRENCH = {"LANGUAGE": "fr"}


def test_operator_upgrades_the_database_and_reads_the_seed_report_in_french(
    cli_seeded_database: str,
) -> None:
    again = runner.invoke(app, ["db", "upgrade"], env=FRENCH)

    assert again.exit_code == 0, again.output
    assert again.output.strip() == (
        "base de données à jour ; données de référence ajoutées — réseaux : 0, séries : 0"
    )


def test_operator_checks_the_settings_in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIVE_SENDGRID_API_KEY", "SG.very-secret")

    result = runner.invoke(app, ["config", "check"], env=FRENCH)

    assert result.exit_code == 0, result.output
    assert "Paramètres en vigueur" in result.output
    assert "very-secret" not in result.output


def test_operator_makes_someone_staff_and_is_told_in_french(cli_seeded_database: str) -> None:
    first = runner.invoke(app, ["staff", "add", "4242"], env=FRENCH)
    second = runner.invoke(app, ["staff", "add", "4242"], env=FRENCH)

    assert first.exit_code == 0, first.output
    assert first.output.strip() == "4242 fait désormais partie du secrétariat"
    assert second.output.strip() == "4242 fait déjà partie du secrétariat"


def test_staff_prepares_the_campaign_and_hears_back_in_french(
    cli_seeded_database: str, tmp_path: Path
) -> None:
    created = runner.invoke(app, ["campaign", "create", "--year", "2030"], env=FRENCH)
    paused = runner.invoke(app, ["campaign", "pause", "--year", "2030", "d-30"], env=FRENCH)
    missing = tmp_path / "declaration.md"
    unread = runner.invoke(
        app, ["campaign", "declaration", "--year", "2030", str(missing)], env=FRENCH
    )

    assert created.exit_code == 0, created.output
    assert created.output.strip() == (
        "campagne 2030 créée avec 6 étapes (voir : aive campaign plan --year 2030)"
    )
    assert paused.output.strip() == "étape d-30 mise en pause"
    assert unread.exit_code == 2
    assert unread.stderr.startswith(f"impossible de lire {missing} : ")
