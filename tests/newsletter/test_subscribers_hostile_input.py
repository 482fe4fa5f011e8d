"""Subscriber files and names as a careless or hostile sender writes them: every bad row is
reported with its line and reason, the good rows are kept, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app
from newsletter.subscriptions.names import subscriber_name
from newsletter.subscriptions.subscribers_csv import parse_subscribers_csv

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
NETWORKS = {"global", "spain", "portugal"}
LANGS = {"en", "fr", "es", "pt", "ca"}
runner = CliRunner()


def test_a_consent_date_before_the_first_utc_moment_is_a_reason_not_a_traceback() -> None:
    text = "email,consented_at\na@example.org,0001-01-01T00:00+01:00\nb@example.org,2026-01-01\n"
    parsed = parse_subscribers_csv(text, NETWORKS, LANGS, NOW)
    assert [r.email for r in parsed.rows] == ["b@example.org"]
    assert [(r.line, r.reason) for r in parsed.rejected] == [
        (2, "consented_at: '0001-01-01T00:00+01:00' is out of range")
    ]


def test_a_field_over_128_kib_rejects_its_row_and_the_next_rows_are_kept() -> None:
    text = f"email,name\na@example.org,{'x' * 140_000}\nb@example.org,Bea\n"
    parsed = parse_subscribers_csv(text, NETWORKS, LANGS, NOW)
    assert [r.email for r in parsed.rows] == ["b@example.org"]
    assert parsed.rejected[0].line == 2
    assert "field larger than field limit" in parsed.rejected[0].reason


@pytest.mark.parametrize(
    "name", ["Ana\r\nBcc: x@evil.example", "Ana\x00", "Ana\x1b[31m", "A\u2028B"]
)
def test_a_name_with_a_line_break_or_control_character_is_refused_on_its_row(name: str) -> None:
    text = f'email,name\na@example.org,"{name}"\nb@example.org,Bea\n'
    parsed = parse_subscribers_csv(text, NETWORKS, LANGS, NOW)
    assert [r.email for r in parsed.rows] == ["b@example.org"]
    assert parsed.rejected[0].line == 2
    assert parsed.rejected[0].reason == "name: contains a line break or another control character"
    with pytest.raises(ValueError, match="control character"):
        subscriber_name(name)


def test_a_nul_anywhere_in_a_row_rejects_that_row_only() -> None:
    text = "email,consent_source\na@example.org,fair\x002026\nb@example.org,fair\n"
    parsed = parse_subscribers_csv(text, NETWORKS, LANGS, NOW, confirmed=True)
    assert [r.email for r in parsed.rows] == ["b@example.org"]
    assert parsed.rejected[0].reason.startswith("consent_source: contains")


def test_import_with_a_nul_in_a_name_keeps_the_other_rows(
    cli_seeded_database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AIVE_SECRET_KEY", "cli-test-key")
    monkeypatch.setenv("AIVE_OUTBOX_DIR", str(tmp_path / "outbox"))
    file = tmp_path / "people.csv"
    file.write_text("email,name\nana@example.es,An\x00a\nbea@example.es,Bea\n", encoding="utf-8")
    result = runner.invoke(app, ["subscribers", "import", str(file), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == 1
    assert [(r["line"], r["email"]) for r in report["rejected"]] == [(2, "ana@example.es")]


def test_add_refuses_a_name_on_two_lines(
    cli_seeded_database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AIVE_SECRET_KEY", "cli-test-key")
    monkeypatch.setenv("AIVE_OUTBOX_DIR", str(tmp_path / "outbox"))
    result = runner.invoke(app, ["subscribers", "add", "ana@example.es", "--name", "Ana\nB"])
    assert result.exit_code == 2
    assert "--name" in result.output and "one line" in result.output
