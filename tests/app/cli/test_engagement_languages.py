"""`aive cafes`, `aive consultations` and `aive broadcast` speak the operator's language."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from app.cli.main import app
from storage.base import utcnow
from storage.networks import City, Network
from storage.people import Person, PersonRole, Role
from tests.cli_database import run_in_session
from tests.engagement.consultation_samples import SAMPLE

runner = CliRunner()
FRENCH = {"LANGUAGE": "fr"}


@pytest.fixture
def db(cli_sqlite_database: str) -> str:
    """A database with Barcelona's representative and one staff member, both on Telegram."""

    async def _people(s: AsyncSession) -> None:
        spain = Network(slug="spain", names={"en": "Spain"})
        city = City(name="Barcelona", country="ES", networks=[spain])
        s.add(city)
        await s.flush()
        representative = PersonRole(role=Role.city_representative, city_id=city.id)
        s.add(Person(telegram_id=101, language="ca", roles=[representative]))
        s.add(Person(telegram_id=102, language="fr", roles=[PersonRole(role=Role.staff)]))
        await s.commit()

    run_in_session(cli_sqlite_database, _people)
    return cli_sqlite_database


def test_staff_sees_an_invalid_cafe_refused_in_french(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("slug: Bad Slug\n", encoding="utf-8")
    result = runner.invoke(app, ["cafes", "create", str(bad)], env=FRENCH)
    assert result.exit_code == 1
    assert f"{bad} : café non valide" in result.stderr
    assert "title: missing" in result.stderr  # the error lines name the YAML fields as they are


def test_staff_opens_a_consultation_in_french(db: str, tmp_path: Path) -> None:
    now = utcnow()
    source = SAMPLE.replace("2026-11-01T09:00:00+01:00", (now - timedelta(days=1)).isoformat())
    source = source.replace("2026-11-20T23:59:00+01:00", (now + timedelta(days=7)).isoformat())
    path = tmp_path / "sample.yaml"
    path.write_text(source, encoding="utf-8")
    created = runner.invoke(app, ["consultations", "create", str(path)], env=FRENCH)
    assert created.exit_code == 0, created.output

    opened = runner.invoke(app, ["consultations", "open", created.stdout.strip()], env=FRENCH)
    assert opened.exit_code == 0, opened.output
    assert "sample : ouverte" in opened.stdout
    assert "1 invitation en file d'attente (le worker l'envoie : aive worker)" in opened.stdout


def test_staff_cancels_a_broadcast_in_french(db: str, tmp_path: Path) -> None:
    file = tmp_path / "broadcast.yaml"
    file.write_text("text: {en: Staff only}\naudience: staff\n", encoding="utf-8")
    created = runner.invoke(app, ["broadcast", "create", str(file)], env=FRENCH)
    assert created.exit_code == 0, created.output
    assert created.stdout == "1\t1 chat en file d'attente\n"

    cancelled = runner.invoke(app, ["broadcast", "cancel", "1"], env=FRENCH)
    assert cancelled.exit_code == 0, cancelled.output
    assert "diffusion 1 : annulée ; 1 message ne sera jamais envoyé" in cancelled.stdout
