"""Deadlines and café times reach each reader in their own timezone, named in their language.

Representatives of Rosario (Argentina), Lisboa and Barcelona are invited to the same
consultation: each reads its closing time on their own clock, with the zone's name, never "UTC";
one of them picks another timezone with /timezone. Storage stays UTC.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from typer.testing import CliRunner

from app.cli.main import app as cli
from engagement.consultations import invitations, lifecycle
from engagement.reader_time import country_zone, find_zone, reader_zone, zone_name
from storage.base import utcnow
from storage.consultations import Consultation, ConsultationStatus
from storage.engine import SessionFactory
from tests.bot.cafe_support import schedule_cafe
from tests.bot.conftest import HarnessFactory
from tests.bot.consultation_support import (
    DECLARATION,
    add_city,
    add_representative,
    drain_outbox,
    press_label,
)

MADRID = ZoneInfo("Europe/Madrid")
BUENOS_AIRES = ZoneInfo("America/Argentina/Buenos_Aires")
LISBON = ZoneInfo("Europe/Lisbon")


def test_catalan_names_a_zone_with_elision_and_no_stray_colon() -> None:
    assert zone_name(MADRID, "ca") == "hora d'Espanya (Madrid)"
    assert zone_name(LISBON, "ca") == "hora de Portugal (Lisboa)"
    assert zone_name(BUENOS_AIRES, "es") == "hora de Argentina (Buenos Aires)"


def test_a_persons_zone_is_theirs_else_their_countrys_else_the_secretariats() -> None:
    assert country_zone("AR") == "America/Argentina/Buenos_Aires"
    assert country_zone("BR") == "America/Sao_Paulo"
    assert country_zone("FR") == "Europe/Paris"
    assert reader_zone(None, "AR", "Europe/Madrid") == BUENOS_AIRES
    assert reader_zone("Europe/Lisbon", "AR", "Europe/Madrid") == LISBON
    assert reader_zone(None, None, "Europe/Madrid") == MADRID
    assert find_zone("buenos aires") == "America/Argentina/Buenos_Aires"
    assert find_zone("Nowhere City") is None


async def _declaration_closing_at(sessions: SessionFactory, closes: datetime) -> int:
    text = DECLARATION.replace("OPENS", (utcnow() - timedelta(days=1)).isoformat()).replace(
        "CLOSES", closes.isoformat()
    )
    async with sessions() as session:
        return (await lifecycle.create_consultation(session, text, actor="test")).id


def _hour(moment: datetime, tz: ZoneInfo) -> str:
    return f"{moment.astimezone(tz):%H:%M}"


async def test_each_representative_reads_the_closing_time_on_their_own_clock(
    make_harness: HarnessFactory, sessions: SessionFactory
) -> None:
    harness = make_harness()
    fake = harness.fake
    day = (utcnow() + timedelta(days=10)).astimezone(MADRID).date()
    closes = datetime(day.year, day.month, day.day, 23, 59, tzinfo=MADRID)
    consultation_id = await _declaration_closing_at(sessions, closes)
    rosario = await add_city(sessions, "Rosario", "AR")
    lisboa = await add_city(sessions, "Lisboa", "PT")
    barcelona = await add_city(sessions, "Barcelona", "ES")
    lucia = fake.make_user("Lucía", language_code="es")
    joao = fake.make_user("João", language_code="pt")
    marta = fake.make_user("Marta", language_code="ca")
    await add_representative(sessions, lucia, rosario, "es")
    await add_representative(sessions, joao, lisboa, "pt")
    await add_representative(sessions, marta, barcelona, "ca")
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="test")
        await invitations.invite_audience(
            session, consultation_id, default_timezone="Europe/Madrid"
        )
        stored = await session.get(Consultation, consultation_id)
        assert stored is not None
        assert stored.closes_at.utcoffset() in (None, timedelta(0))  # storage stays UTC
    assert await drain_outbox(harness) == 3

    invite_lucia = fake.last_message(lucia.id).text or ""
    assert _hour(closes, BUENOS_AIRES) in invite_lucia
    assert "hora de Argentina (Buenos Aires)" in invite_lucia
    invite_joao = fake.last_message(joao.id).text or ""
    assert _hour(closes, LISBON) in invite_joao and "Portugal (Lisboa)" in invite_joao
    invite_marta = fake.last_message(marta.id).text or ""
    assert "23:59" in invite_marta and "hora d'Espanya (Madrid)" in invite_marta
    for text in (invite_lucia, invite_joao, invite_marta):
        assert "UTC" not in text and "Hora de:" not in text

    # The welcome of the consultation says the same time as the invitation.
    await press_label(harness, lucia, "Responder")
    assert _hour(closes, BUENOS_AIRES) in "\n".join(harness.texts(lucia)[-1:])

    # Lucía travels: she asks for Lisbon time, and the next screen follows it.
    reply = await harness.say(lucia, "/timezone lisbon")
    assert "Europe/Lisbon" in (reply.text or "")
    reply = await harness.say(lucia, "/timezone")
    assert "Europe/Lisbon" in (reply.text or "") and "/timezone auto" in (reply.text or "")
    await harness.say(lucia, f"/start c{consultation_id}")
    assert _hour(closes, LISBON) in harness.texts(lucia)[-1]
    reply = await harness.say(lucia, "/timezone auto")
    assert "America/Argentina/Buenos_Aires" in (reply.text or "")
    reply = await harness.say(lucia, "/timezone Atlantis")
    assert "Atlantis" in (reply.text or "") and "/timezone Lisbon" in (reply.text or "")


def _aive(database_url: str, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"AIVE_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    return result.stdout


async def test_staff_read_cafe_times_on_the_command_line_in_the_secretariats_named_zone(
    sessions: SessionFactory, database_url: str
) -> None:
    starts = datetime(2026, 11, 18, 17, 0, tzinfo=MADRID)  # 16:00 UTC
    cafe_id, _invited = await schedule_cafe(sessions, starts, now=starts - timedelta(days=20))

    listed = await asyncio.to_thread(_aive, database_url, "cafes", "list")
    assert "2026-11-18 17:00 Europe/Madrid" in " ".join(listed.split())
    report = await asyncio.to_thread(_aive, database_url, "cafes", "report", str(cafe_id))
    assert "2026-11-18 17:00 Europe/Madrid" in report
    listed_json = await asyncio.to_thread(_aive, database_url, "cafes", "list", "--json")
    assert "2026-11-18T16:00:00+00:00" in listed_json  # JSON keeps UTC
