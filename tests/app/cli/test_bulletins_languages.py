"""`aive bulletin …` and `aive bulletin series …` speak the operator's language (here French)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from app import catalogs
from app.cli.main import app
from storage.base import utcnow
from tests.cli_database import run_in_session
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
def world(cli_sqlite_database: str) -> None:
    """A migrated database with the sample world's items published in the last days."""

    async def _world(session: AsyncSession) -> None:
        await build_world(session, now=utcnow())

    run_in_session(cli_sqlite_database, _world)


def test_staff_approve_an_edition_and_read_it_in_french(world: None) -> None:
    composed = runner.invoke(app, ["bulletin", "compose", "global", "--lang", "fr"])
    assert composed.exit_code == 0, composed.output
    edition = int(composed.stdout.strip())

    approved = runner.invoke(app, ["bulletin", "approve", str(edition)], env=FRENCH)

    assert approved.exit_code == 0, approved.output
    assert approved.stdout.strip() == f"édition {edition} : approuvée"


def test_staff_add_a_series_and_are_told_in_french_when_drafts_come(
    cli_seeded_database: str,
) -> None:
    added = runner.invoke(app, PORTUGAL, env=FRENCH)

    assert added.exit_code == 0, added.output
    assert added.stdout.strip() == (
        "série portugal ajoutée : les brouillons sont composés selon sa périodicité"
    )
