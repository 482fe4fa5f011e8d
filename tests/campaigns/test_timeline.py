"""The timeline relative to 30 November (pure), and what staff are told when they get it wrong."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli.main import app as cli
from campaigns import timeline
from campaigns.report import Activity, Reach, build_report, chart_png
from storage.base import utcnow

runner = CliRunner()


def test_steps_fall_at_nine_in_madrid_across_the_change_of_time() -> None:
    steps = {s.key: s.due_at for s in timeline.plan_timeline(2026, "Europe/Madrid")}
    assert steps["d-45"] == datetime(2026, 10, 16, 7, 0, tzinfo=UTC)  # summer time
    assert steps["d"] == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # winter time
    assert steps["d+7"] == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def test_a_moved_step_keeps_the_timeline_in_time_order() -> None:
    late = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)
    keys = [s.key for s in timeline.plan_timeline(2026, "Europe/Madrid", {"d-10": late})]
    assert keys == ["d-45", "d-30", "d-1", "d-10", "d", "d+7"]
    with pytest.raises(timeline.TimelineError, match="unknown step 'd-5'"):
        timeline.plan_timeline(2026, "Europe/Madrid", {"d-5": late})


def test_step_keys_and_dates_are_read_leniently_and_refused_clearly() -> None:
    assert timeline.spec("D+7").key == "d+7"
    assert timeline.parse_moment("2026-11-22", "Europe/Madrid") == datetime(
        2026, 11, 22, 8, 0, tzinfo=UTC
    )
    assert timeline.parse_moment("2026-11-22T18:30", "Europe/Madrid").hour == 17
    with pytest.raises(timeline.TimelineError, match="is not a date"):
        timeline.parse_moment("22/11", "Europe/Madrid")


def test_a_step_found_too_late_waits_for_staff() -> None:
    due = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    assert timeline.is_due(due, datetime(2026, 11, 29, 8, 5, tzinfo=UTC))
    assert not timeline.is_due(due, datetime(2026, 11, 29, 7, 55, tzinfo=UTC))
    assert not timeline.is_due(due, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


def test_the_report_counts_activities_by_country_and_network_and_draws_a_png() -> None:
    activities = [
        Activity("Barcelona", "ES", ("spain",), "Festa"),
        Activity("Girona", "ES", ("spain", "global"), "Ruta"),
        Activity("Lyon", "FR", (), "Forum"),
    ]
    found = build_report(
        2026, None, activities, ["Lisboa"], Reach(emails_accepted=10, emails_opened=4)
    )
    assert found.cities == ("Barcelona", "Girona", "Lisboa", "Lyon")
    assert found.by_country == {"ES": 2, "FR": 1}
    assert found.by_network == {"global": 1, "none": 1, "spain": 2}
    assert found.open_rate == 40.0
    assert chart_png(found).startswith(b"\x89PNG")


async def test_staff_mistakes_get_one_sentence_and_a_failing_exit(
    database_url: str, engine: object, tmp_path: Path
) -> None:
    env = {"AIVE_DATABASE_URL": database_url, "AIVE_OUTBOX_DIR": str(tmp_path)}

    def aive(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, list(args), env=env)
        return result.exit_code, result.output

    code, out = await asyncio.to_thread(aive, "campaign", "plan", "--year", "2031")
    assert code == 1 and "no campaign for 2031" in out
    assert (await asyncio.to_thread(aive, "campaign", "create", "--year", "2031"))[0] == 0
    code, out = await asyncio.to_thread(aive, "campaign", "launch", "--year", "2031", "d-5")
    assert code == 1 and "unknown step 'd-5'" in out
    code, out = await asyncio.to_thread(aive, "campaign", "create", "--year", "1999")
    assert code == 1 and "not a campaign year" in out
    code, out = await asyncio.to_thread(
        aive, "campaign", "kit", "--year", "2031", "--out", str(tmp_path)
    )
    assert code in (0, 1)  # the kit builder may not be merged yet; never a traceback
    assert "Traceback" not in out


def test_a_campaign_for_a_year_whose_day_has_passed_is_refused_clearly(
    cli_seeded_database: str,
) -> None:
    last_year = utcnow().year - 1
    result = CliRunner().invoke(cli, ["campaign", "create", "--year", str(last_year)])
    assert result.exit_code == 1
    assert f"The International Day of Educating Cities {last_year} ({last_year}-11-30)" in (
        result.stderr
    )
    assert "has passed" in result.stderr
    listed = CliRunner().invoke(cli, ["campaign", "plan", "--year", str(last_year)])
    assert listed.exit_code == 1 and f"no campaign for {last_year}" in listed.output
