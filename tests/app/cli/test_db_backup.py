"""`aive db backup FILE` and `aive db restore FILE`: a restore brings back exactly what the
backup held (SQLite always, PostgreSQL when AIVE_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from app.cli.main import app


def aive(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def emails() -> list[str]:
    code, output = aive("subscribers", "list", "--json")
    assert code == 0, output
    return sorted(row["email"] for row in json.loads(output))


def test_restore_brings_back_what_the_backup_held(cli_seeded_database: str, tmp_path: Path) -> None:
    backup = tmp_path / "backups" / "aive.backup"
    assert aive("subscribers", "add", "ana@example.org", "--confirmed")[0] == 0
    code, output = aive("db", "backup", str(backup))
    assert code == 0, output
    assert str(backup) in output
    assert aive("subscribers", "add", "later@example.org", "--confirmed")[0] == 0
    assert emails() == ["ana@example.org", "later@example.org"]

    code, output = aive("db", "restore", str(backup))

    assert code == 0, output
    assert emails() == ["ana@example.org"]
    assert aive("subscribers", "add", "after@example.org")[0] == 0  # the database works on


def test_restore_refuses_a_missing_file_and_changes_nothing(
    cli_seeded_database: str, tmp_path: Path
) -> None:
    assert aive("subscribers", "add", "ana@example.org", "--confirmed")[0] == 0

    code, output = aive("db", "restore", str(tmp_path / "nothing.backup"))

    assert (code, output.strip()) == (1, f"no such file: {tmp_path / 'nothing.backup'}")
    assert emails() == ["ana@example.org"]


def test_restore_refuses_a_file_that_is_no_backup(cli_seeded_database: str, tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    assert aive("subscribers", "add", "ana@example.org", "--confirmed")[0] == 0

    code, output = aive("db", "restore", str(junk))

    assert code == 1
    if make_url(cli_seeded_database).get_backend_name() == "sqlite":
        assert output.strip() == f"{junk} is not a SQLite database (made by aive db backup?)"
    else:  # pg_restore's own last line follows ours
        assert output.startswith("pg_restore failed: ") and "archive" in output
    assert emails() == ["ana@example.org"]


def test_a_refused_restore_is_told_in_the_operators_language(
    cli_seeded_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "fr")

    code, output = aive("db", "restore", str(tmp_path / "nothing.backup"))

    assert (code, output.strip()) == (1, f"aucun fichier : {tmp_path / 'nothing.backup'}")


def test_postgres_backup_without_pg_dump_says_what_to_install(
    cli_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if make_url(cli_database).get_backend_name() != "postgresql":
        pytest.skip("pg_dump is for PostgreSQL")
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump there

    code, output = aive("db", "backup", str(tmp_path / "aive.backup"))

    assert code == 1
    assert "pg_dump is not installed" in output and "postgresql-client" in output
    assert not (tmp_path / "aive.backup").exists()
