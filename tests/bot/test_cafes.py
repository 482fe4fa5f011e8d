"""Cafés: the YAML checks, times and calendar files, the race for the last seat, staff only
commands, rescheduling without double reminders, the report and the command line."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli.main import app as cli
from bot.features.cafes import CafeAction
from bot.features.cafes_staff import CafeStaff
from engagement.cafes import service
from engagement.cafes.calendar import CalendarEvent, calendar_file
from engagement.cafes.definition import CafeDefinitionError
from engagement.cafes.notices import action_data, due_kinds
from engagement.cafes.report import speaker_balance
from engagement.cafes.schema import load_cafe
from engagement.cafes.service import CheckIn
from engagement.reader_time import local_time, zone
from storage.cafes import Cafe, CafeSeat, NoticeKind, SeatState
from storage.engine import SessionFactory
from storage.people import Person
from tests.bot.cafe_support import CAFE, add_person, cafe_yaml, run_jobs, schedule_cafe
from tests.bot.conftest import Harness
from tests.bot.consultation_support import callback_answer, drain_outbox

START = datetime(2027, 3, 17, 16, 0, tzinfo=UTC)
runner = CliRunner()


# The YAML ---------------------------------------------------------------------------------


def test_every_error_in_a_cafe_file_is_reported_with_its_path(tmp_path: Path) -> None:
    bad = (
        cafe_yaml(START)
        .replace("capacity: 2", "capacity: 0")
        .replace("timezone: Europe/Madrid", "timezone: Mars/Olympus")
        .replace("call_url: https://", "call_url: http://")
        .replace("audience: everyone", "audience: mayors")
        .replace("country: PT", "country: Portugal")
        .replace("min: 1", "min: one")
    )
    with pytest.raises(CafeDefinitionError) as caught:
        load_cafe(bad + "colour: blue\n", tmp_path, [])
    assert caught.value.errors == [
        "colour: unknown field",
        "timezone: unknown timezone 'Mars/Olympus' (e.g. Europe/Madrid)",
        "capacity: must be between 1 and 10000",
        "call_url: must start with https://",
        "audience: must be one of everyone, city_representatives, youth, staff",
        "speakers[1].country: must be an ISO 3166-1 alpha-2 code such as ES",
    ]
    with pytest.raises(CafeDefinitionError) as caught:
        load_cafe(cafe_yaml(START).replace("min: 1", "min: one"), tmp_path, [])
    assert caught.value.errors == ["evaluation.questions[0].min: must be a number"]


def test_evaluation_file_is_read_next_to_the_cafe_and_its_dates_are_the_cafes(
    tmp_path: Path,
) -> None:
    (tmp_path / "eval.yaml").write_text(
        "questions: [{id: q, type: scale, min: 1, max: 5, text: {en: 'Useful?'}}]\n"
    )
    source = CAFE.split("evaluation:")[0].replace("START", "2027-03-17T17:00")
    definition = load_cafe(source.replace("CAPACITY", "2") + "evaluation: eval.yaml\n", tmp_path)
    assert definition.starts_at == START  # 17:00 in Madrid is 16:00 UTC
    assert definition.evaluation is not None
    assert definition.evaluation["audience"] == "invited"
    assert definition.evaluation["slug"] == "school-streets-evaluation"
    (tmp_path / "eval.yaml").write_text("audience: everyone\nopens_at: 2027-01-01T00:00Z\n")
    with pytest.raises(CafeDefinitionError) as caught:
        load_cafe(source.replace("CAPACITY", "2") + "evaluation: eval.yaml\n", tmp_path)
    assert caught.value.errors == [
        "evaluation.opens_at: set by the café (its end); leave it out",
        "evaluation.audience: must be invited (only attendees answer), or left out",
    ]
    with pytest.raises(CafeDefinitionError) as caught:
        load_cafe(source.replace("CAPACITY", "2") + "evaluation: missing.yaml\n", tmp_path)
    assert caught.value.errors == ["evaluation: cannot read missing.yaml"]


def test_the_example_cafe_is_valid() -> None:
    folder = Path(__file__).resolve().parents[2] / "examples" / "cafes"
    source = (folder / "school-streets.yaml").read_text(encoding="utf-8")
    definition = load_cafe(source, folder, ["spain", "latin-america"])
    assert definition.capacity == 30 and len(definition.speakers) == 3
    with pytest.raises(CafeDefinitionError) as caught:
        load_cafe(source, folder, ["spain"])
    assert caught.value.errors == ["networks[1]: unknown network 'latin-america'"]


# Times and calendar files -----------------------------------------------------------------


def test_time_is_shown_in_the_readers_timezone_and_language() -> None:
    sao_paulo = local_time(START, zone("America/Sao_Paulo", "Europe/Madrid"), "pt")
    assert sao_paulo == "quarta-feira, 17 de março de 2027, 13:00 (Horário Brasil (São Paulo))"
    madrid = local_time(START, zone("Not/AZone", "Europe/Madrid"), "es")
    assert madrid.startswith("miércoles, 17 de marzo de 2027, 17:00")
    assert zone(None, "Nowhere").key == "UTC"


def test_the_calendar_file_parses_and_starts_at_the_utc_start() -> None:
    event = CalendarEvent(7, {"en": "School streets", "fr": "Rues scolaires"}, {}, START, 90, 2)
    data = calendar_file(event, "fr", now=START - timedelta(days=3), host="aive.example.org")
    parsed = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert parsed.decoded("dtstart") == START
    assert parsed.decoded("dtend") == START + timedelta(minutes=90)
    assert str(parsed["summary"]) == "Rues scolaires"
    assert str(parsed["uid"]) == "cafe-7@aive.example.org" and int(parsed["sequence"]) == 2


def test_reminders_are_due_in_their_windows() -> None:
    end = START + timedelta(hours=1)
    assert due_kinds(START, end, START - timedelta(hours=25)) == []
    assert due_kinds(START, end, START - timedelta(hours=24)) == [NoticeKind.day_before]
    assert due_kinds(START, end, START - timedelta(minutes=60)) == [NoticeKind.hour_before]
    assert due_kinds(START, end, START) == [NoticeKind.hour_before, NoticeKind.check_in]
    assert due_kinds(START, end, end) == []


def test_button_data_fits_telegram_and_matches_the_router() -> None:
    packed = CafeAction(a="j", c=2_000_000_000).pack()
    assert packed == action_data("j", 2_000_000_000) and len(packed.encode()) <= 64


def test_speakers_gender_balance_counts_not_stated() -> None:
    genders, countries = speaker_balance(
        [{"name": "A", "gender": "woman"}, {"name": "B", "gender": "woman"}, {"name": "C"}]
    )
    assert genders == {"woman": 2, "not stated": 1}
    assert countries == {"not stated": 3}


# Seats -------------------------------------------------------------------------------------


async def _people(sessions: SessionFactory, n: int) -> list[int]:
    async with sessions() as session:
        people = [Person(telegram_id=500 + i, display_name=f"P{i}") for i in range(n)]
        session.add_all(people)
        await session.commit()
        return [p.id for p in people]


async def _join(sessions: SessionFactory, cafe_id: int, person_id: int) -> SeatState | None:
    async with sessions() as session:
        joined = await service.join(session, cafe_id, person_id, now=START - timedelta(days=1))
        return joined.change.after


async def test_many_people_pressing_join_for_the_last_seats_at_once(
    sessions: SessionFactory,
) -> None:
    cafe_id, _ = await schedule_cafe(sessions, START, START - timedelta(days=2), capacity=3)
    people = await _people(sessions, 8)
    outcomes = await asyncio.gather(*(_join(sessions, cafe_id, p) for p in people))
    assert outcomes.count(SeatState.registered) == 3
    assert outcomes.count(SeatState.waiting) == 5
    async with sessions() as session:
        cafe = await session.get(Cafe, cafe_id)
        registered = await session.scalars(
            select(CafeSeat).where(CafeSeat.state == SeatState.registered)
        )
        assert cafe is not None and cafe.seats_taken == 3 == len(registered.all())

    # Two registered people leave at once: the first two on the waiting list move up, in order.
    async def leave(person_id: int) -> tuple[int, ...]:
        async with sessions() as session:
            change = await service.leave(
                session, cafe_id, person_id, now=START - timedelta(hours=5)
            )
            return change.promoted

    first = [p for p, o in zip(people, outcomes, strict=True) if o == SeatState.registered]
    waiting = [p for p, o in zip(people, outcomes, strict=True) if o == SeatState.waiting]
    async with sessions() as session:
        order = [
            s.person_id
            for s in await session.scalars(
                select(CafeSeat)
                .where(CafeSeat.state == SeatState.waiting)
                .order_by(CafeSeat.joined_at, CafeSeat.id)
            )
        ]
    assert sorted(order) == sorted(waiting)
    promoted = await asyncio.gather(leave(first[0]), leave(first[1]))
    assert sorted(p for group in promoted for p in group) == sorted(order[:2])
    async with sessions() as session:
        cafe = await session.get(Cafe, cafe_id)
        assert cafe is not None and cafe.seats_taken == 3


async def test_check_in_only_for_registered_people_during_the_cafe(
    sessions: SessionFactory,
) -> None:
    cafe_id, _ = await schedule_cafe(sessions, START, START - timedelta(days=2), capacity=1)
    first, second = await _people(sessions, 2)
    await _join(sessions, cafe_id, first)
    await _join(sessions, cafe_id, second)
    async with sessions() as session:
        early = START - timedelta(minutes=11)
        assert await service.check_in(session, cafe_id, first, now=early) == CheckIn.too_early
        assert await service.check_in(session, cafe_id, second, now=START) == CheckIn.not_registered
        assert await service.check_in(session, cafe_id, first, now=START) == CheckIn.done
        assert await service.check_in(session, cafe_id, first, now=START) == CheckIn.already


# Staff only ---------------------------------------------------------------------------------


async def test_cafe_report_is_for_staff_only_in_the_bot(harness: Harness) -> None:
    sessions = harness.sessions
    cafe_id, _ = await schedule_cafe(sessions, START, START - timedelta(days=2))
    ana = harness.fake.make_user("Ana", language_code="es")
    ines = harness.fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    refused = await harness.say(ana, f"/cafes {cafe_id}")
    assert refused.text == "Lo sentimos, solo el equipo del secretariado puede usar este comando."

    listing = await harness.say(ines, "/cafes")
    assert f"#{cafe_id} <b>Caminos escolares</b>" in (listing.text or "")
    report_data = CafeStaff(c=cafe_id).pack()
    # Ana presses a staff button she got somehow: refused, and nothing is shown.
    harness.fake.user_presses_button(ana, listing, report_data)
    await harness.process()
    assert callback_answer(harness) == "Solo el personal de la secretaría puede hacerlo."
    assert len(harness.fake.sent_messages(ana.id)) == 1

    await harness.press(ines, listing, report_data)
    shown = harness.fake.last_message(ines.id).text or ""
    assert "Inscritos: 0 de 2. Lista de espera: 0. Bajas: 0." in shown
    assert "Ponentes por género: man 1, not stated 1, woman 1" in shown
    assert (await harness.say(ines, "/cafes 999")).text == "No hay ningún café 999."


# Rescheduling --------------------------------------------------------------------------------


async def test_rescheduling_rearms_reminders_not_yet_due_and_never_doubles_one(
    harness: Harness, tmp_path: Path
) -> None:
    sessions = harness.sessions
    ana = harness.fake.make_user("Ana", language_code="en")
    ana_id = await add_person(sessions, ana, "en")
    cafe_id, _ = await schedule_cafe(sessions, START, START - timedelta(days=2))
    await _join(sessions, cafe_id, ana_id)
    assert await run_jobs(harness, START - timedelta(hours=23)) == {"day_before": 1}

    later = START + timedelta(days=7)
    async with sessions() as session:
        cafe = await service.reschedule(session, cafe_id, later, actor="test")
        assert cafe.sequence == 1
    # The old reminder times pass: nothing, since the café is now a week later.
    assert await run_jobs(harness, START - timedelta(minutes=30)) == {}
    # The day before the new date: that reminder was sent already, it is not sent again.
    assert await run_jobs(harness, later - timedelta(hours=23)) == {}
    assert await run_jobs(harness, later - timedelta(minutes=59)) == {"hour_before": 1}

    # Re-creating from the YAML with the same slug moves it back; still nothing twice.
    async with sessions() as session:
        definition = load_cafe(cafe_yaml(START + timedelta(days=1)), tmp_path, [])
        done = await service.schedule(session, definition, actor="test", now=START)
        assert (done.created, done.moved, done.cafe.sequence) == (False, True, 2)
    assert await run_jobs(harness, START + timedelta(days=1, minutes=-30)) == {}
    assert await drain_outbox(harness) == 3  # the invitation, 24 h and 1 h before


# Command line --------------------------------------------------------------------------------


def _aive(database_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args), env={"AIVE_DATABASE_URL": database_url})
    return result.exit_code, result.stdout


async def test_cli_creates_reports_and_refuses_bad_input(
    sessions: SessionFactory, database_url: str, tmp_path: Path
) -> None:
    folder = Path(__file__).resolve().parents[2] / "examples" / "cafes"
    source = (folder / "school-streets.yaml").read_text(encoding="utf-8")
    (tmp_path / "cafe.yaml").write_text(source.replace("networks: [spain, latin-america]", ""))
    (tmp_path / "school-streets-evaluation.yaml").write_text(
        (folder / "school-streets-evaluation.yaml").read_text(encoding="utf-8")
    )
    await add_person(sessions, type("U", (), {"id": 42, "first_name": "Ana"})(), "es")  # type: ignore[arg-type]

    code, out = await asyncio.to_thread(
        _aive, database_url, "cafes", "create", str(tmp_path / "cafe.yaml"), "--json"
    )
    assert code == 0, out
    created = json.loads(out)
    assert created["created"] is True and created["invited"] == 1
    code, out = await asyncio.to_thread(
        _aive, database_url, "cafes", "create", str(tmp_path / "cafe.yaml"), "--json"
    )
    assert json.loads(out)["created"] is False and json.loads(out)["invited"] == 0

    code, out = await asyncio.to_thread(
        _aive, database_url, "cafes", "report", str(created["id"]), "--json"
    )
    assert code == 0
    found = json.loads(out)
    assert found["capacity"] == 30 and found["registered"] == 0
    assert found["speaker_genders"] == {"man": 1, "not stated": 1, "woman": 1}
    assert found["evaluation_id"] == created["evaluation_id"] is not None

    (tmp_path / "bad.yaml").write_text("slug: Bad Slug\n")
    code, out = await asyncio.to_thread(
        _aive, database_url, "cafes", "create", str(tmp_path / "bad.yaml"), "--json"
    )
    assert code == 1 and "title: missing" in json.loads(out)["errors"]
    code, _ = await asyncio.to_thread(_aive, database_url, "cafes", "report", "999")
    assert code == 1
    code, _ = await asyncio.to_thread(
        _aive, database_url, "cafes", "reschedule", str(created["id"]), "--start", "tomorrow"
    )
    assert code == 2
    code, out = await asyncio.to_thread(
        _aive,
        database_url,
        "cafes",
        "reschedule",
        str(created["id"]),
        "--start",
        "2027-03-18T18:00+01:00",
    )
    assert code == 0 and "2027-03-18T17:00:00+00:00" in out
    async with sessions() as session:
        cafe = await session.get(Cafe, created["id"])
        assert cafe is not None
        assert cafe.starts_at.astimezone(ZoneInfo("Europe/Madrid")).hour == 18
