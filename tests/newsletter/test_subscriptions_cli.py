"""`aive subscribers add|import|list` as an operator runs them."""

import json
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from app.cli import app
from storage.audit import AuditEvent
from tests.cli_database import run_in_session

runner = CliRunner()


@pytest.fixture
def cli_env(cli_seeded_database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("AIVE_SECRET_KEY", "cli-test-key")
    monkeypatch.setenv("AIVE_PUBLIC_URL", "https://news.example.org")
    outbox = tmp_path / "outbox"
    monkeypatch.setenv("AIVE_OUTBOX_DIR", str(outbox))
    return outbox


def listed() -> list[dict[str, object]]:
    result = runner.invoke(app, ["subscribers", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def audit_actions(database_url: str) -> list[str]:
    async def _read(session: AsyncSession) -> list[str]:
        query = select(AuditEvent.action).order_by(AuditEvent.id)
        return list((await session.scalars(query)).all())

    return run_in_session(database_url, _read)


def test_add_pending_writes_a_confirmation_eml_with_a_working_link(
    cli_env: Path, database_url: str
) -> None:
    result = runner.invoke(
        app, ["subscribers", "add", "joao@example.pt", "--lang", "pt", "--network", "portugal"]
    )
    assert result.exit_code == 0, result.output
    assert "pending" in result.output
    [eml] = list(cli_env.glob("confirmation-*.eml"))
    mail = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert mail["To"] == "joao@example.pt"
    assert "Confirme a sua subscrição" in str(mail["Subject"])
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "https://news.example.org/confirm/" in text
    [row] = listed()
    assert (row["status"], row["language"], row["networks"]) == ("pending", "pt", ["portugal"])
    assert audit_actions(database_url) == ["subscribers.added", "subscribers.confirmation_sent"]


def test_add_confirmed_records_where_consent_came_from(cli_env: Path) -> None:
    result = runner.invoke(
        app,
        [
            "subscribers",
            "add",
            "ana@example.es",
            "--lang",
            "es",
            "--confirmed",
            "--consent-source",
            "Barcelona congress 2026, signed form",
        ],
    )
    assert result.exit_code == 0, result.output
    assert list(cli_env.glob("*.eml")) == []  # no confirmation email for confirmed ones
    [row] = listed()
    assert row["status"] == "confirmed"
    assert row["consent_source"] == "Barcelona congress 2026, signed form"
    assert row["networks"] == ["global"]
    again = runner.invoke(app, ["subscribers", "add", "ANA@example.es"])
    assert again.exit_code == 1 and "already in the list (confirmed)" in again.output


def test_add_refuses_bad_addresses_languages_and_networks(cli_env: Path) -> None:
    bad_email = runner.invoke(app, ["subscribers", "add", "ana@", "--lang", "es"])
    assert bad_email.exit_code == 2
    bad_lang = runner.invoke(app, ["subscribers", "add", "ana@example.es", "--lang", "klingon"])
    assert bad_lang.exit_code == 2 and "--lang" in bad_lang.output
    bad_net = runner.invoke(app, ["subscribers", "add", "ana@example.es", "--network", "mars"])
    assert bad_net.exit_code == 1 and "unknown network mars" in bad_net.output
    assert listed() == []


CSV = (
    "email,name,language,networks,consent_source,consented_at\n"
    "joao@example.pt,João,pt,portugal,Lisbon fair 2026,2026-10-03\n"
    "not-an-email,,,,,\n"
    "JOAO@EXAMPLE.PT,,pt,,,\n"
    "marc@example.cat,Marc,ca,spain;atlantis,web 2025,\n"
    "lea@example.fr,Léa,xx,global,web 2025,\n"
    "ana@example.es,Ana,es,spain,,\n"
    "kim@example.kr,Kim,en,asia-pacific,web 2025,\n"
)


def test_import_keeps_good_rows_and_reports_each_bad_one(cli_env: Path, tmp_path: Path) -> None:
    file = tmp_path / "subscribers.csv"
    file.write_text(CSV, encoding="utf-8")
    result = runner.invoke(app, ["subscribers", "import", str(file), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == 3 and report["confirmations_sent"] == 3
    assert [(r["line"], r["reason"].split(":")[0]) for r in report["rejected"]] == [
        (3, "email"),
        (4, "email"),
        (5, "networks"),
        (6, "language"),
    ]
    assert report["rejected"][1]["reason"] == "email: same address as line 2"
    assert "atlantis" in report["rejected"][2]["reason"]
    assert len(list(cli_env.glob("confirmation-*.eml"))) == 3
    assert {r["email"]: r["status"] for r in listed()} == {
        "joao@example.pt": "pending",
        "ana@example.es": "pending",
        "kim@example.kr": "pending",
    }
    # the same file again: everyone already known is reported, nobody is added twice
    again = json.loads(runner.invoke(app, ["subscribers", "import", str(file), "--json"]).stdout)
    assert again["added"] == 0
    assert "already in the list (pending)" in again["rejected"][0]["reason"]


def test_import_refuses_an_accented_local_part_in_the_operators_language(
    cli_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "fr")
    file = tmp_path / "subscribers.csv"
    file.write_text("email\njosé@example.org\nana@exämple.es\n", encoding="utf-8")
    result = runner.invoke(app, ["subscribers", "import", str(file), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == 1
    [refused] = report["rejected"]
    assert refused["line"] == 2
    assert "lettres accentuées ou non latines avant le @" in refused["reason"]
    single = runner.invoke(app, ["subscribers", "add", "josé@example.org"])
    assert single.exit_code == 2 and "lettres accentuées" in single.output


def test_import_confirmed_needs_a_consent_source(cli_env: Path, tmp_path: Path) -> None:
    no_column = tmp_path / "plain.csv"
    no_column.write_text("email\nana@example.es\n", encoding="utf-8")
    refused = runner.invoke(app, ["subscribers", "import", str(no_column), "--confirmed"])
    assert refused.exit_code == 2
    assert "--confirmed needs a consent source" in refused.output
    assert listed() == []

    file = tmp_path / "subscribers.csv"
    file.write_text(CSV, encoding="utf-8")
    result = runner.invoke(app, ["subscribers", "import", str(file), "--confirmed", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == 2 and report["confirmations_sent"] == 0
    ana = next(r for r in report["rejected"] if r["line"] == 7)
    assert ana["reason"].startswith("consent_source: empty")
    rows = {r["email"]: r for r in listed()}
    assert rows["joao@example.pt"]["status"] == "confirmed"
    assert rows["joao@example.pt"]["consent_source"] == "Lisbon fair 2026"
    assert str(rows["joao@example.pt"]["consented_at"]).startswith("2026-10-03")

    whole = tmp_path / "whole.csv"
    whole.write_text("email\nana@example.es\n", encoding="utf-8")
    with_option = runner.invoke(
        app,
        ["subscribers", "import", str(whole), "--confirmed", "--consent-source", "paper form"],
    )
    assert with_option.exit_code == 0, with_option.output
    assert "1 subscribers added" in with_option.output


def test_import_of_a_file_with_only_bad_rows_fails_and_a_missing_file_is_usage(
    cli_env: Path, tmp_path: Path
) -> None:
    file = tmp_path / "bad.csv"
    file.write_text("email\nnope\n", encoding="utf-8")
    result = runner.invoke(app, ["subscribers", "import", str(file)])
    assert result.exit_code == 1 and "1 rows rejected" in result.output
    missing = runner.invoke(app, ["subscribers", "import", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2
