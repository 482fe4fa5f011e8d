"""What people get when staff act on a café in the console: a reschedule tells everyone
registered or waiting in their language, with the new .ics, over the Bot API; a certificate of
attendance (a PDF in the participant's language) is downloaded, or sent through the bot or by
email."""

from __future__ import annotations

import email
import email.policy
import io
from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from aiogram import Bot
from babel.dates import format_time
from pypdf import PdfReader

from storage.base import utcnow
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.fakes.telegram import FakeTelegram
from tests.web.console.cafes_world import CafeWorld, cafe_world, check_in, days, drain_outbox
from tests.web.console.pages_world import Staff, signed_in

MADRID = ZoneInfo("Europe/Madrid")


@pytest.fixture
async def ines(sessions: SessionFactory, tmp_path: Path) -> AsyncIterator[Staff]:
    staff = await signed_in(sessions, tmp_path / "outbox", StaffRole.moderator)
    yield staff
    await staff.client.close()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


async def world_with_chats(
    sessions: SessionFactory, fake: FakeTelegram, starts_in: timedelta
) -> tuple[CafeWorld, dict[str, int]]:
    users = {
        "Ana": fake.make_user("Ana", language_code="es").id,
        "Chloé": fake.make_user("Chloé", language_code="fr").id,
        "Marta": fake.make_user("Marta", language_code="ca").id,
    }
    start = utcnow().replace(second=0, microsecond=0) + starts_in
    world = await cafe_world(sessions, start, start - days(7), telegram_ids=users)
    return world, users


async def test_a_reschedule_tells_each_registered_or_waiting_person_with_the_new_ics(
    sessions: SessionFactory, ines: Staff, fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    world, users = await world_with_chats(sessions, fake_telegram, days(3))
    new_start = world.starts_at + days(1) + timedelta(hours=2)
    response = await ines.client.post(
        f"/console/cafes/{world.cafe_id}/reschedule",
        data={
            "csrf_token": ines.token,
            "starts_at": new_start.astimezone(MADRID).strftime("%Y-%m-%dT%H:%M"),
        },
        allow_redirects=False,
    )
    assert response.status == 303
    assert await drain_outbox(sessions, telegram_bot) == 3  # two registered, one waiting
    expected = {
        "Ana": ("ha cambiado de horario", "America/Argentina/Buenos_Aires", "es"),
        "Chloé": ("a changé d'horaire", "Europe/Paris", "fr"),
        "Marta": ("ha canviat d'horari", "Europe/Madrid", "ca"),
    }
    for name, (words, zone, lang) in expected.items():
        document = fake_telegram.sent_documents(users[name])[-1]
        caption = document.caption or ""
        local = format_time(new_start, "short", tzinfo=ZoneInfo(zone), locale=lang)
        assert words in caption and local in caption, (name, caption)
        assert document.file is not None and document.file.data is not None
        event = icalendar.Calendar.from_ical(document.file.data).walk("VEVENT")[0]
        assert event.decoded("dtstart") == new_start.astimezone(UTC)
        assert int(str(event["sequence"])) == 1
    page = await (await ines.client.get(response.headers["Location"])).text()
    assert "Café rescheduled" in page
    # the same time again tells nobody twice
    again = await ines.client.post(
        f"/console/cafes/{world.cafe_id}/reschedule",
        data={
            "csrf_token": ines.token,
            "starts_at": new_start.astimezone(MADRID).strftime("%Y-%m-%dT%H:%M"),
        },
        allow_redirects=False,
    )
    assert again.status == 303 and await drain_outbox(sessions, telegram_bot) == 0


async def test_a_certificate_is_a_pdf_in_the_participants_language_sent_by_bot_or_email(
    sessions: SessionFactory,
    ines: Staff,
    fake_telegram: FakeTelegram,
    telegram_bot: Bot,
    tmp_path: Path,
) -> None:
    world, users = await world_with_chats(sessions, fake_telegram, -days(1))
    await check_in(sessions, world.cafe_id, world.people["Chloé"], world.starts_at)
    base = f"/console/cafes/{world.cafe_id}/certificates"

    download = await ines.client.get(f"{base}/{world.people['Chloé']}.pdf")
    assert download.status == 200 and download.content_type == "application/pdf"
    text = pdf_text(await download.read())
    assert "Chloé" in text and "Rues scolaires" in text and "Attestation de présence" in text
    # Ana registered but did not check in; Marta only waited
    for name in ("Ana", "Marta"):
        assert (await ines.client.get(f"{base}/{world.people[name]}.pdf")).status == 404

    sent = await ines.client.post(
        f"{base}/{world.people['Chloé']}/send",
        data={"csrf_token": ines.token, "channel": "bot"},
        allow_redirects=False,
    )
    assert sent.status == 303 and sent.headers["Location"].endswith("done=sent_bot")
    assert await drain_outbox(sessions, telegram_bot) == 1
    document = fake_telegram.sent_documents(users["Chloé"])[-1]
    assert "attestation de présence" in (document.caption or "")
    assert fake_telegram.calls_to("sendDocument")
    assert document.file is not None and document.file.data is not None
    assert "Rues scolaires" in pdf_text(document.file.data)

    mailed = await ines.client.post(
        f"{base}/{world.people['Chloé']}/send",
        data={"csrf_token": ines.token, "channel": "email"},
        allow_redirects=False,
    )
    assert mailed.status == 303
    [eml] = list((tmp_path / "outbox").glob("certificate-*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "chloe@lyon.example.fr"
    assert "Attestation de présence" in str(message["Subject"])
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert "Chloé" in pdf_text(attachment.get_content())

    page = await (await ines.client.get(f"/console/cafes/{world.cafe_id}")).text()
    assert "Download the PDF" in page and "Send by email" in page


async def test_a_certificate_cannot_be_emailed_to_someone_without_an_address(
    sessions: SessionFactory, ines: Staff, fake_telegram: FakeTelegram
) -> None:
    world, _users = await world_with_chats(sessions, fake_telegram, -days(1))
    await check_in(sessions, world.cafe_id, world.people["Ana"], world.starts_at)
    refused = await ines.client.post(
        f"/console/cafes/{world.cafe_id}/certificates/{world.people['Ana']}/send",
        data={"csrf_token": ines.token, "channel": "email"},
    )
    assert refused.status == 409
    assert "This person has no email address." in await refused.text()
