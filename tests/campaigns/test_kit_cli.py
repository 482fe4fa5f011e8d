"""`aive campaign kit`: the staff command that hands cities their kit."""

import json
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from app.cli import app
from campaigns.kit import check_kit

runner = CliRunner()


def test_kit_command_writes_a_checked_kit_and_its_zip(
    engine: AsyncEngine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIVE_DATABASE_URL", database_url)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    created = runner.invoke(
        app, ["campaign", "create", "--year", "2026", "--theme", "Cities that listen"]
    )
    assert created.exit_code == 0, created.output
    out = tmp_path / "kit-2026"

    result = runner.invoke(app, ["campaign", "kit", "--year", "2026", "--out", str(out), "--json"])

    assert result.exit_code == 0, result.output
    manifest = json.loads(result.stdout)
    assert manifest["zip"] == str(out.with_suffix(".zip")) and out.with_suffix(".zip").exists()
    paths = {f["path"] for f in manifest["files"]}
    for lang in ("fr", "es", "en", "pt", "ca"):
        assert any(p.startswith(f"{lang}/") and p.endswith(".png") for p in paths), lang
    assert check_kit(out) == []


def test_kit_of_a_year_without_campaign_is_refused_clearly(
    engine: AsyncEngine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIVE_DATABASE_URL", database_url)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["campaign", "kit", "--year", "2031", "--out", str(tmp_path / "k")])
    assert result.exit_code == 1
    assert "2031" in result.output
