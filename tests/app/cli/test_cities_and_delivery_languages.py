"""`aive cities …` and `aive bulletin send|stats` speak the operator's language."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from app import catalogs
from app.cli.main import app
from storage.engine import SessionFactory
from tests.newsletter.delivery.world import add_subscribers, make_edition


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs() -> None:
    catalogs.compile_all()


@pytest.fixture
def french(database_url: str) -> dict[str, str]:
    """The environment of an operator whose locale is French."""
    return {"AIVE_DATABASE_URL": database_url, "LANGUAGE": "fr"}


async def _invoke(args: list[str], env: dict[str, str]) -> Result:
    return await asyncio.to_thread(CliRunner().invoke, app, args, env=env)


async def test_secretariat_reads_the_city_import_report_in_french(
    sessions: SessionFactory, french: dict[str, str], tmp_path: Path
) -> None:
    csv_file = tmp_path / "villes.csv"
    csv_file.write_text(
        "name,country,networks,languages\nLyon,FR,,fr\nNulle-part,XX,,\n", encoding="utf-8"
    )
    result = await _invoke(["cities", "import", str(csv_file)], french)
    assert result.exit_code == 0, result.output
    assert "villes ajoutées : 1, mises à jour : 0, lignes rejetées : 1" in result.output
    assert "Lignes rejetées" in result.output
    missing = await _invoke(["cities", "import", str(tmp_path / "absent.csv")], french)
    assert missing.exit_code == 2
    assert "absent.csv : fichier introuvable" in missing.output


async def test_staff_follow_a_bulletin_send_in_french(
    sessions: SessionFactory, french: dict[str, str]
) -> None:
    edition = await make_edition(sessions)
    await add_subscribers(sessions, 2)
    queued = await _invoke(["bulletin", "send", str(edition), "--queue-only"], french)
    assert queued.exit_code == 0, queued.output
    assert f"édition {edition} — ajoutés à la file : 2, acceptés : 0, en échec : 0" in (
        queued.output
    )
    unknown = await _invoke(["bulletin", "stats", "999"], french)
    assert unknown.exit_code == 1
    assert "aucune édition 999" in unknown.output
