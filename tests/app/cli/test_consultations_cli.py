"""`aive consultations …` against a temporary SQLite database."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from app.cli.main import app
from engagement.consultations import answering, response_access
from storage.base import utcnow
from storage.networks import City, Network
from storage.people import Person, PersonRole, Role
from tests.cli_database import run_in_session
from tests.engagement.consultation_samples import SAMPLE

runner = CliRunner()


@pytest.fixture
def db(cli_sqlite_database: str) -> str:
    async def _representative(s: AsyncSession) -> None:
        spain = Network(slug="spain", names={"en": "Spain"})
        city = City(name="Barcelona", country="ES", networks=[spain])
        s.add(city)
        await s.flush()
        role = PersonRole(role=Role.city_representative, city_id=city.id)
        s.add(Person(display_name="joan", roles=[role]))
        await s.commit()

    run_in_session(cli_sqlite_database, _representative)
    return cli_sqlite_database


def current_sample(tmp_path: Path) -> Path:
    """The sample, open from yesterday until next week."""
    now = utcnow()
    source = SAMPLE.replace("2026-11-01T09:00:00+01:00", (now - timedelta(days=1)).isoformat())
    source = source.replace("2026-11-20T23:59:00+01:00", (now + timedelta(days=7)).isoformat())
    path = tmp_path / "sample.yaml"
    path.write_text(source, encoding="utf-8")
    return path


def answer_and_submit(url: str, consultation_id: int, comment: str) -> None:
    async def _go(s: AsyncSession) -> None:
        view = await response_access.start_or_resume(s, consultation_id, 1, language="ca")
        rid = view.response_id
        for qid, value in (
            ("priority", "inclusion"),
            ("actions", ["a", "c"]),
            ("satisfaction", 4),
            ("comment", comment),
            ("budget", "1500"),
        ):
            await answering.answer(s, rid, qid, value, person_id=1)
        await answering.submit(s, rid, person_id=1)

    run_in_session(url, _go)


def test_create_open_answer_results_export(db: str, tmp_path: Path) -> None:
    created = runner.invoke(app, ["consultations", "create", str(current_sample(tmp_path))])
    assert created.exit_code == 0, created.output
    cid = int(created.stdout.strip())
    opened = runner.invoke(app, ["consultations", "open", str(cid)])
    assert opened.exit_code == 0 and "sample: open" in opened.stdout
    answer_and_submit(db, cid, "=cmd|' /C calc'!A0")

    results = runner.invoke(app, ["consultations", "results", str(cid), "--json"])
    assert results.exit_code == 0
    document = json.loads(results.stdout)
    assert (document["submitted"], document["eligible"], document["rate"]) == (1, 1, 100.0)
    assert document["questions"][1]["options"][2] == {
        "id": "c",
        "text": "C fr",
        "count": 1,
        "percent": 100.0,
    }
    table = runner.invoke(app, ["consultations", "results", str(cid)])
    assert table.exit_code == 0 and "response rate 1/1 = 100.0%" in table.stdout

    out = tmp_path / "export.csv"
    exported = runner.invoke(app, ["consultations", "export", str(cid), "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    text = out.read_bytes().decode("utf-8")
    assert text.startswith('"response_id","city",'), "every cell quoted"
    header, first = list(csv.reader(io.StringIO(text)))[:2]
    assert header == [
        "response_id",
        "city",
        "country",
        "language",
        "submitted_at",
        "priority",
        "actions",
        "satisfaction",
        "comment",
        "budget",
        "channel",
    ]
    cells = first
    assert cells[:4] == ["1", "Barcelona", "ES", "ca"]
    assert cells[5:] == ["inclusion", "a;c", "4", "'=cmd|' /C calc'!A0", "1500", "bot"]

    closed = runner.invoke(app, ["consultations", "close", str(cid)])
    assert closed.exit_code == 0 and "sample: closed" in closed.stdout


def test_invalid_file_prints_every_error_and_exits_1(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        SAMPLE.replace("type: scale", "type: stars").replace("max_choices: 2", "max_choices: 9"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["consultations", "create", str(bad)])
    assert result.exit_code == 1
    assert (
        "questions[1].max_choices: must be between 1 and 3 (the number of options)" in result.stderr
    )
    assert "questions[2].type: must be one of single_choice" in result.stderr
    as_json = runner.invoke(app, ["consultations", "create", str(bad), "--json"])
    assert as_json.exit_code == 1
    assert len(json.loads(as_json.stdout)["errors"]) == 2


def test_missing_file_is_bad_usage(db: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["consultations", "create", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_unknown_consultation_fails(db: str) -> None:
    for command in (["open", "99"], ["results", "99"], ["close", "99"]):
        result = runner.invoke(app, ["consultations", *command])
        assert result.exit_code == 1
        assert "99" in result.stderr


def test_a_past_closing_date_is_refused_at_creation_with_a_clear_line(
    db: str, tmp_path: Path
) -> None:
    past = SAMPLE.replace("slug: sample", "slug: past").replace("2026-11-", "2020-11-")
    path = tmp_path / "past.yaml"
    path.write_text(past, encoding="utf-8")
    created = runner.invoke(app, ["consultations", "create", str(path)])
    assert created.exit_code == 1
    assert "closes_at: 2020-11-20T22:59+00:00 has already passed" in created.stderr
    listed = runner.invoke(app, ["consultations", "list", "--json"])
    assert json.loads(listed.stdout) == []  # nothing stored


def test_list_shows_each_consultation_with_its_status_and_dates(db: str, tmp_path: Path) -> None:
    created = runner.invoke(
        app, ["consultations", "create", "--json", str(current_sample(tmp_path))]
    )
    cid = json.loads(created.stdout)["id"]
    assert runner.invoke(app, ["consultations", "open", str(cid)]).exit_code == 0
    listed = runner.invoke(app, ["consultations", "list", "--json"])
    assert listed.exit_code == 0
    [row] = json.loads(listed.stdout)
    assert row["id"] == cid and row["slug"] == "sample" and row["status"] == "open"
    assert row["submitted"] == 0 and row["closes_at"] > row["opens_at"]
    table = runner.invoke(app, ["consultations", "list"])
    assert table.exit_code == 0 and "sample" in table.stdout and "open" in table.stdout
