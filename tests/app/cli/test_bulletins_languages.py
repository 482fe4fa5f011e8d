"""`aive bulletin …` and `aive bulletin series …` speak the operator's language (here French)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from app import catalogs
from app.cli.main import app
from storage import migrate
from storage.base import utcnow
from storage.engine import create_engine, create_session_factory
from tests.newsletter.bulletin_samples import build_world

runner = CliRunner()
FRENCH = {"LANGUAGE": "fr"}
PORTUGAL = [
    "bulletin", "series", "add", "portugal", "--network", "portugal", "--lang", "pt",
    "--title", "pt=Boletim da Rede Portuguesa",
]  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs() -> None:
    catalogs.compile_all()


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A migrated database with the sample world's items published in the last days."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("AIVE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)

    async def _setup() -> None:
        engine = create_engine(url)
        await migrate.upgrade(engine)
        async with create_session_factory(engine)() as session:
            await build_world(session, now=utcnow())
        await engine.dispose()

    asyncio.run(_setup())


@pytest.fixture
def seeded(engine: AsyncEngine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIVE_DATABASE_URL", database_url)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0  # the seeded networks


def test_staff_approve_an_edition_and_read_it_in_french(world: None) -> None:
    composed = runner.invoke(app, ["bulletin", "compose", "global", "--lang", "fr"])
    assert composed.exit_code == 0, composed.output
    edition = int(composed.stdout.strip())

    approved = runner.invoke(app, ["bulletin", "approve", str(edition)], env=FRENCH)

    assert approved.exit_code == 0, approved.output
    assert approved.stdout.strip() == f"édition {edition} : approuvée"


def test_staff_add_a_series_and_are_told_in_french_when_drafts_come(seeded: None) -> None:
    added = runner.invoke(app, PORTUGAL, env=FRENCH)

    assert added.exit_code == 0, added.output
    assert added.stdout.strip() == (
        "série portugal ajoutée : les brouillons sont composés selon sa périodicité"
    )
