"""The operator's first commands, run as a subprocess would see them (CliRunner)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()


def test_db_upgrade_seeds_networks_once(cli_seeded_database: str) -> None:
    again = runner.invoke(app, ["db", "upgrade"])
    assert again.exit_code == 0
    assert "0 networks and 0 series added" in again.output


def test_city_import_keeps_good_rows_and_reports_bad_ones(
    cli_seeded_database: str, tmp_path: Path
) -> None:
    csv_file = tmp_path / "cities.csv"
    csv_file.write_text(
        "name,country,networks,languages\n"
        "Barcelona,ES,spain,ca;es\n"
        "Nowhere,XX,,\n"
        "Lisboa,PT,portugal;global,pt\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["cities", "import", str(csv_file), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == 2
    assert report["rejected"] == [
        {"line": 3, "column": "country", "reason": "'XX' is not an ISO 3166-1 alpha-2 code"}
    ]
    listed = json.loads(runner.invoke(app, ["cities", "list", "--json"]).stdout)
    assert [(c["name"], c["networks"]) for c in listed] == [
        ("Barcelona", ["spain"]),
        ("Lisboa", ["global", "portugal"]),
    ]
    # importing the same file again updates instead of duplicating
    again = json.loads(runner.invoke(app, ["cities", "import", str(csv_file), "--json"]).stdout)
    assert (again["added"], again["updated"]) == (0, 2)


def test_city_import_of_a_missing_or_binary_file_is_a_usage_error(
    cli_seeded_database: str, tmp_path: Path
) -> None:
    missing = runner.invoke(app, ["cities", "import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    binary = tmp_path / "cities.csv"
    binary.write_bytes(b"name,country\n\xff\xfe\x00Lisboa,PT\n")
    result = runner.invoke(app, ["cities", "import", str(binary)])
    assert result.exit_code == 2 and "not UTF-8" in result.output


def test_staff_add_is_idempotent(cli_seeded_database: str) -> None:
    first = runner.invoke(app, ["staff", "add", "4242"])
    second = runner.invoke(app, ["staff", "add", "4242"])
    assert "now staff" in first.output and "already staff" in second.output
    bad = runner.invoke(app, ["staff", "add", "not-a-number"])
    assert bad.exit_code == 2


def test_config_check_json_masks_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIVE_SENDGRID_API_KEY", "SG.very-secret")
    result = runner.invoke(app, ["config", "check", "--json"])
    assert result.exit_code == 0
    view = json.loads(result.stdout)
    assert view["sendgrid_api_key"] == "********"
    assert "very-secret" not in result.output


def test_a_bad_setting_stops_every_command_with_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIVE_WEB_PORT", "abc")
    result = runner.invoke(app, ["cities", "list"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "configuration error: AIVE_WEB_PORT: Input should be a valid integer, "
        "unable to parse string as an integer (got 'abc')"
    ]
