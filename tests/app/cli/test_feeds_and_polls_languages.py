"""`aive feeds` and `aive polls` speak the operator's language."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from app.cli.main import app

runner = CliRunner()
FRENCH = {"LANGUAGE": "fr"}


def test_staff_adds_a_feed_and_lists_the_sources_in_french(cli_seeded_database: str) -> None:
    added = runner.invoke(app, ["feeds", "add", "https://city.example/feed.xml"], env=FRENCH)
    listed = runner.invoke(app, ["feeds", "list"], env=FRENCH)

    assert added.exit_code == 0, added.output
    assert "source 1 ajoutée : https://city.example/feed.xml" in added.output
    assert listed.exit_code == 0, listed.output
    assert "1 source de flux (heures du fuseau" in listed.output


def test_staff_sees_why_a_poll_is_invalid_in_french(
    cli_seeded_database: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("slug: Theme 2027\n", encoding="utf-8")

    result = runner.invoke(app, ["polls", "create", str(path)], env=FRENCH)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{path} : sondage invalide"
