"""A representative verified while a consultation, a café and a poll are open is offered them
at once, and again on /help; the invitations already sent are not sent twice (issue 14)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engagement.consultations import invitations, lifecycle
from storage.base import utcnow
from storage.consultations import ConsultationStatus
from storage.engine import SessionFactory
from storage.networks import City
from tests.bot.cafe_support import schedule_cafe
from tests.bot.conftest import Harness, button_data
from tests.bot.consultation_support import (
    add_city,
    add_representative,
    create_declaration,
    drain_outbox,
)
from tests.bot.poll_support import create_theme
from tests.bot.test_invites import _invite
from tests.fakes.telegram_objects import FakeUser


async def _open_everything(
    harness: Harness, sessions: SessionFactory, marta: FakeUser
) -> tuple[int, int]:
    """Barcelona's first representative is invited to a consultation, a café and a poll."""
    barcelona = await add_city(sessions, "Barcelona", "ES", "spain")
    await add_representative(sessions, marta, barcelona, "ca")
    consultation_id = await create_declaration(sessions)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="t")
        assert await invitations.invite_audience(session, consultation_id) == 1
    now = utcnow()
    cafe_id, _ = await schedule_cafe(sessions, now + timedelta(days=3), now)
    await create_theme(sessions)
    assert await drain_outbox(harness) == 3  # Marta: the consultation, the café, the poll
    return consultation_id, cafe_id


def _offered(harness: Harness, user: FakeUser) -> set[str]:
    """The callback data of every button the user was sent."""
    return {
        str(button.get("callback_data"))
        for message in harness.fake.sent_messages(user.id)
        for button in message.buttons
    }


async def test_a_colleague_verified_by_invitation_is_offered_what_is_open_at_once(
    harness: Harness, sessions: SessionFactory
) -> None:
    marta = harness.fake.make_user("Marta", language_code="ca")
    consultation_id, cafe_id = await _open_everything(harness, sessions, marta)
    seen_by_marta = len(harness.fake.sent_messages(marta.id))

    jordi = harness.fake.make_user("Jordi", language_code="es")
    async with sessions() as session:
        city = await session.scalar(select(City).where(City.name == "Barcelona"))
    assert city is not None
    await harness.say(jordi, f"/start {await _invite(harness, city, language='es')}")

    assert {f"co:{consultation_id}", f"cf:j:{cafe_id}"} <= _offered(harness, jordi)
    offer = next(m for m in harness.fake.sent_messages(jordi.id) if "co:" in str(m.buttons))
    assert (offer.text or "").startswith("Hay una nueva consulta abierta: <b>Declaration 2026")
    assert [b["text"] for b in offer.buttons] == ["Responder"]  # Jordi reads Spanish
    assert await drain_outbox(harness) == 1  # the poll, counted with everyone's
    assert len(harness.fake.sent_polls(jordi.id)) == 1
    assert len(harness.fake.sent_messages(marta.id)) == seen_by_marta  # nothing sent twice

    await harness.press(jordi, offer, f"co:{consultation_id}")
    assert "Main priority?" in (harness.fake.last_message(jordi.id).text or "")

    # Coming back with /help shows them again; the poll he has is not sent again.
    before = len(harness.fake.sent_messages(jordi.id))
    await harness.say(jordi, "/help")
    again = harness.fake.sent_messages(jordi.id)[before:]
    assert [b["callback_data"] for m in again for b in m.buttons] == [
        f"co:{consultation_id}",
        f"cf:j:{cafe_id}",
    ]
    assert await drain_outbox(harness) == 0


async def test_a_representative_approved_by_staff_is_offered_the_open_consultation(
    harness: Harness, sessions: SessionFactory
) -> None:
    marta = harness.fake.make_user("Marta", language_code="ca")
    consultation_id, _cafe = await _open_everything(harness, sessions, marta)
    ines = harness.fake.make_user("Inés", language_code="en")
    await harness.make_staff(ines)
    pau = harness.fake.make_user("Pau", language_code="en")

    asked = await harness.say(pau, "/start")
    await harness.press(pau, asked, button_data(asked, "English"))
    roles = harness.fake.last_message(pau.id)
    await harness.press(pau, roles, button_data(roles, "member city"))
    choice = await harness.say(pau, "barcelona")
    await harness.press(pau, choice, button_data(choice, "Barcelona (ES)"))
    to_staff = harness.fake.last_message(ines.id)
    await harness.press(ines, to_staff, button_data(to_staff, "Approve"))

    assert f"co:{consultation_id}" in _offered(harness, pau)
    offer = next(m for m in harness.fake.sent_messages(pau.id) if "co:" in str(m.buttons))
    await harness.press(pau, offer, f"co:{consultation_id}")
    assert "Main priority?" in (harness.fake.last_message(pau.id).text or "")
