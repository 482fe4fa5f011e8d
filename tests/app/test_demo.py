import json

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()


def test_first_run_loads_example_feeds_once(
    engine: AsyncEngine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIVE_DATABASE_URL", database_url)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(app, ["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "5 example cities, 5 feeds, 15 items and 5 bulletins loaded" in first.output
    again = runner.invoke(app, ["demo", "load"])
    assert "nothing loaded" in again.output
    items = json.loads(runner.invoke(app, ["items", "list", "--json"]).stdout)
    assert {i["language"] for i in items} == {"ca", "fr", "es", "pt", "en"}
    portugal = json.loads(
        runner.invoke(app, ["items", "list", "--network", "portugal", "--json"]).stdout
    )
    assert len(portugal) == 3 and all(i["language"] == "pt" for i in portugal)
