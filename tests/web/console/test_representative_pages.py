"""The representatives pages: who represents each city and how, the requests waiting (approved
or refused here, the person told in their language over the Bot API), and invitations made
and emailed in the invitee's language with a link that works in the bot."""

from __future__ import annotations

import email
import email.policy
import html
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot
from sqlalchemy import select

from bot.broadcast.limiter import RateLimiter
from bot.broadcast.sender import BroadcastSender
from storage.audit import AuditEvent
from storage.engine import SessionFactory
from storage.people import Person
from storage.representatives import RepresentativeRequest, RequestStatus
from storage.staff import StaffRole
from tests.bot.broadcast_support import JumpingClock
from tests.bot.conftest import SIGNING_KEY, Harness, harness, make_harness  # noqa: F401
from tests.fakes.telegram import FakeTelegram
from tests.web.console.people_world import BOT, Staff, people_world, signed_in


@pytest.fixture
async def ines(sessions: SessionFactory, tmp_path: Path) -> AsyncIterator[Staff]:
    staff = await signed_in(sessions, tmp_path / "outbox")
    yield staff
    await staff.client.close()


async def drain(sessions: SessionFactory, bot: Bot) -> int:
    clock = JumpingClock()
    sender = BroadcastSender(sessions, bot, limiter=RateLimiter(now=clock.now), clock=clock)
    return await sender.drain()


async def actions(sessions: SessionFactory) -> list[tuple[str, str, str | None]]:
    async with sessions() as session:
        rows = await session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.actor, e.action, e.subject) for e in rows.all()]


async def test_each_city_shows_who_represents_it_and_how(
    sessions: SessionFactory, ines: Staff
) -> None:
    world = await people_world(sessions)
    page = await (await ines.client.get("/console/representatives")).text()
    assert "1 of 4 cities have a representative." in page
    assert re.search(
        r"Ana</span> <span class=\"muted small\">verified [^<]+ through invite #1", page
    )
    assert "Requests waiting for a decision (2)" in page
    assert "Rui" in page and "Jordi" in page
    city = await ines.client.get(f"/console/representatives/cities/{world.cities['Lisboa']}")
    text = await city.text()
    assert city.status == 200 and "Lisboa (PT)" in text and "through invite #1" in text
    assert "used " in text  # the invite Ana redeemed
    found = await ines.client.get("/console/representatives", params={"q": "barc"})
    body = await found.text()
    assert "Barcelona" in body and ">Lyon<" not in body


async def test_an_unknown_city_or_request_is_404_with_a_page(
    sessions: SessionFactory, ines: Staff
) -> None:
    await people_world(sessions)
    for path in ("/console/representatives/cities/999", "/console/representatives/cities/x"):
        response = await ines.client.get(path)
        assert response.status == 404
        assert "<h1" in await response.text()
    refused = await ines.client.post(
        "/console/representatives/requests/999/approve", data={"csrf_token": ines.token}
    )
    assert refused.status == 404
    invite = await ines.client.post(
        "/console/representatives/cities/999/invite",
        data={"csrf_token": ines.token, "language": "en", "days": "14"},
    )
    assert invite.status == 404


async def test_approval_here_reaches_the_requester_in_portuguese_over_the_bot_api(
    sessions: SessionFactory, ines: Staff, fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    rui = fake_telegram.make_user("Rui", language_code="en")
    jordi = fake_telegram.make_user("Jordi", language_code="en")
    world = await people_world(sessions, {"Rui": rui.id, "Jordi": jordi.id})
    approved = await ines.client.post(
        f"/console/representatives/requests/{world.requests['Rui']}/approve",
        data={"csrf_token": ines.token},
    )
    assert approved.status == 200 and "Request approved" in await approved.text()
    refused = await ines.client.post(
        f"/console/representatives/requests/{world.requests['Jordi']}/refuse?city="
        f"{world.cities['Barcelona']}",
        data={"csrf_token": ines.token},
    )
    assert refused.url.path.endswith(f"/cities/{world.cities['Barcelona']}")
    again = await ines.client.post(
        f"/console/representatives/requests/{world.requests['Rui']}/refuse",
        data={"csrf_token": ines.token},
    )
    assert "Someone already decided this request." in await again.text()

    assert await drain(sessions, telegram_bot) == 2
    (told,) = fake_telegram.sent_messages(rui.id)
    assert told.text == (
        "Boas notícias: o secretariado confirmou que representa Lisboa. "
        "Vou enviar-lhe aqui o que diz respeito à sua cidade."
    )
    (no,) = fake_telegram.sent_messages(jordi.id)
    assert (no.text or "").startswith("El secretariat no ha pogut confirmar")
    async with sessions() as session:
        person = await session.get_one(Person, world.people["Rui"])
        assert person.represented_city_ids() == [world.cities["Lisboa"]]
        request = await session.get_one(RepresentativeRequest, world.requests["Jordi"])
        assert request.status == RequestStatus.rejected
    done = await actions(sessions)
    me = f"staff:{ines.member.id}"
    assert (me, "representative.approved", f"request:{world.requests['Rui']}") in done
    assert (me, "representative.rejected", f"request:{world.requests['Jordi']}") in done
    assert (me, "representative.granted", f"person:{world.people['Rui']}") in done


async def test_a_viewer_reads_but_cannot_decide_or_invite(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    world = await people_world(sessions)
    viewer = await signed_in(sessions, tmp_path / "outbox", StaffRole.viewer)
    try:
        page = await (await viewer.client.get("/console/representatives")).text()
        assert "Rui" in page and "Approve" not in page
        city = await viewer.client.get(f"/console/representatives/cities/{world.cities['Lisboa']}")
        assert "Create the invitation" not in await city.text()
        for path in (
            f"/console/representatives/requests/{world.requests['Rui']}/approve",
            f"/console/representatives/cities/{world.cities['Lisboa']}/invite",
        ):
            response = await viewer.client.post(path, data={"csrf_token": viewer.token})
            assert response.status == 403
    finally:
        await viewer.client.close()
    async with sessions() as session:
        request = await session.get_one(RepresentativeRequest, world.requests["Rui"])
        assert request.status == RequestStatus.pending


def invite_emails(outbox: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for p in sorted(outbox.glob("*.eml"))
    ]


async def test_an_emailed_invitation_greets_marta_in_catalan_and_its_link_works(
    sessions: SessionFactory,
    tmp_path: Path,
    harness: Harness,  # noqa: F811
) -> None:
    world = await people_world(sessions)
    # the console and the bot sign invites with the same key (AIVE_SECRET_KEY)
    ines = await signed_in(sessions, tmp_path / "outbox", signing_key=SIGNING_KEY)
    barcelona = world.cities["Barcelona"]
    try:
        response = await ines.client.post(
            f"/console/representatives/cities/{barcelona}/invite",
            data={
                "csrf_token": ines.token,
                "email": "marta@Barcelona.example",
                "name": "Marta",
                "language": "ca",
                "days": "10",
            },
        )
        page = await response.text()
    finally:
        await ines.client.close()
    assert response.status == 200 and "Invitation created and emailed." in page
    (message,) = invite_emails(tmp_path / "outbox")
    assert message["To"] == "Marta <marta@barcelona.example>"
    assert "Barcelona" in message["Subject"]
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(rf"https://t\.me/{BOT}\?start=(\S+)", body.get_content())
    assert found is not None
    assert found.group(0) in page  # the open invite's link, for staff to copy

    marta = harness.fake.make_user("Marta", language_code="en")
    greeting = await harness.say(marta, f"/start {found.group(1)}")
    assert (greeting.text or "").startswith("Benvingut/da, Marta!")
    person = await harness.person(marta)
    assert person is not None and person.represented_city_ids() == [barcelona]
    assert person.email == "marta@barcelona.example"
    done = await actions(sessions)
    assert (f"staff:{ines.member.id}", "invite.created", f"city:{barcelona}") in done
    assert any(a == "invite.emailed" for _actor, a, _s in done)


async def test_a_bad_invitation_form_says_what_is_wrong_in_french(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    world = await people_world(sessions)
    ines = await signed_in(sessions, tmp_path / "outbox", language="fr")
    try:
        response = await ines.client.post(
            f"/console/representatives/cities/{world.cities['Lyon']}/invite",
            data={
                "csrf_token": ines.token,
                "email": "not an address",
                "language": "xx",
                "days": "0",
            },
        )
        page = html.unescape(await response.text())
    finally:
        await ines.client.close()
    assert response.status == 422
    assert "Cette adresse ne peut pas être utilisée" in page
    assert "Indiquez un nombre de jours de 1 à 90." in page
    assert "Choisissez l'une des langues proposées." in page
    assert list((tmp_path / "outbox").glob("*.eml")) == []
