"""A rescheduled café tells everyone registered or waiting, in their language and timezone, with
the new .ics: the same UID, a higher SEQUENCE, so calendars move the event (issue 14)."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import icalendar
from babel.dates import format_time
from typer.testing import CliRunner

from app.cli.main import app as cli
from storage.base import utcnow
from storage.engine import SessionFactory
from tests.bot.cafe_support import Clock, add_person, schedule_cafe
from tests.bot.conftest import Harness
from tests.bot.consultation_support import drain_outbox, press_label
from tests.fakes.telegram_objects import FakeUser

runner = CliRunner()


def _event(harness: Harness, user: FakeUser) -> icalendar.cal.Component:
    document = harness.fake.sent_documents(user.id)[-1]
    assert document.file is not None and document.file.data is not None
    event: icalendar.cal.Component = icalendar.Calendar.from_ical(document.file.data).walk(
        "VEVENT"
    )[0]
    return event


async def test_everyone_registered_or_waiting_gets_the_new_time_and_calendar_file(
    harness: Harness, sessions: SessionFactory, database_url: str
) -> None:
    fake = harness.fake
    start = utcnow().replace(second=0, microsecond=0) + timedelta(days=3)
    harness.dp["clock"] = Clock(utcnow())
    ana = fake.make_user("Ana", language_code="es")
    chloe = fake.make_user("Chloé", language_code="fr")
    ben = fake.make_user("Ben", language_code="en")
    await add_person(sessions, ana, "es", "America/Sao_Paulo", ("Rosario", "AR", "argentina"))
    await add_person(sessions, chloe, "fr", "Europe/Paris", ("Lyon", "FR", "francophone"))
    await add_person(sessions, ben, "en", None, ("Leeds", "GB", "global"))
    cafe_id, _ = await schedule_cafe(sessions, start, utcnow(), capacity=1)
    await drain_outbox(harness)
    await press_label(harness, ana, "Inscribirme")  # registered, with the .ics
    await press_label(harness, chloe, "S'inscrire")  # the café is full: waiting
    joined = _event(harness, ana)

    later = start + timedelta(hours=2)
    env = {"AIVE_DATABASE_URL": database_url, "AIVE_PUBLIC_URL": "http://127.0.0.1:8080"}
    result = await asyncio.to_thread(
        runner.invoke,
        cli,
        ["cafes", "reschedule", str(cafe_id), "--start", later.isoformat()],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "2 people registered or waiting told" in result.output
    assert await drain_outbox(harness) == 2

    moved = _event(harness, ana)
    assert moved.decoded("dtstart") == later.astimezone(UTC)
    assert str(moved["uid"]) == str(joined["uid"])
    assert int(str(moved["sequence"])) > int(str(joined["sequence"]))
    caption = fake.sent_documents(ana.id)[-1].caption or ""
    sao_paulo = format_time(later, "short", tzinfo=ZoneInfo("America/Sao_Paulo"), locale="es")
    assert "ha cambiado de horario" in caption and sao_paulo in caption
    chloe_caption = fake.sent_documents(chloe.id)[-1].caption or ""
    paris = format_time(later, "short", tzinfo=ZoneInfo("Europe/Paris"), locale="fr")
    assert "a changé d'horaire" in chloe_caption and paris in chloe_caption
    assert _event(harness, chloe).decoded("dtstart") == later.astimezone(UTC)
    assert not fake.sent_documents(ben.id)  # neither registered nor waiting

    # The same move again tells nobody twice.
    again = await asyncio.to_thread(
        runner.invoke,
        cli,
        ["cafes", "reschedule", str(cafe_id), "--start", later.isoformat()],
        env=env,
    )
    assert again.exit_code == 0 and await drain_outbox(harness) == 0
