"""The International Day campaign in the console, as Inés uses it: the timeline, a dry run that
sends nothing, launching, pausing and moving a step (the CLI's domain calls), and bad input
(an unknown step or year, a time that is no time or has passed, a moderator launching)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from campaigns import service
from storage.audit import AuditEvent
from storage.broadcasts import Broadcast, BroadcastMessage
from storage.campaigns import StepStatus
from storage.deliveries import Delivery
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.fakes.telegram import FakeTelegram
from tests.web.console.campaign_world import YEAR, campaign_staff, campaign_world
from tests.web.console.pages_world import Staff

BASE = f"/console/campaign/{YEAR}"


@pytest.fixture
async def world(sessions: SessionFactory, fake_telegram: FakeTelegram) -> None:
    await campaign_world(sessions, fake_telegram)


@pytest.fixture
async def ines(sessions: SessionFactory, tmp_path: Path, world: None) -> AsyncIterator[Staff]:
    staff = await campaign_staff(sessions, tmp_path)
    yield staff
    await staff.client.close()


async def post(staff: Staff, path: str, **fields: str) -> tuple[int, str, str]:
    response = await staff.client.post(
        path, data={"csrf_token": staff.token, **fields}, allow_redirects=False
    )
    return response.status, response.headers.get("Location", ""), await response.text()


async def sent_anything(sessions: SessionFactory) -> int:
    async with sessions() as session:
        broadcasts = await session.scalar(select(func.count()).select_from(Broadcast))
        deliveries = await session.scalar(select(func.count()).select_from(Delivery))
    return (broadcasts or 0) + (deliveries or 0)


async def actions(sessions: SessionFactory) -> list[tuple[str, str, str | None]]:
    async with sessions() as session:
        rows = await session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("campaign.%")).order_by(AuditEvent.id)
        )
        return [(e.actor, e.action, e.subject) for e in rows if e.actor != "test"]


async def test_the_timeline_shows_every_step_with_date_status_audience_channels_and_reach(
    ines: Staff,
) -> None:
    page = await (await ines.client.get(BASE)).text()
    for key in ("D-45", "D-30", "D-10", "D-1", "D+7"):
        assert f">{key}</a>" in page
    assert "16/10/2031" in page or "10/16/31" in page  # D-45, in the staff member's locale
    assert "city representatives" in page and "everyone in the bot" in page
    assert "email, chat" in page
    assert "4 emails, 4 chats" in page  # D-10: the four representatives, four subscribers
    assert "planned" in page and "Cities that listen" in page
    listing = await (await ines.client.get("/console/campaign")).text()
    assert f'href="/console/campaign/{YEAR}"' in listing


async def test_the_timeline_speaks_the_staff_members_language(
    sessions: SessionFactory, tmp_path: Path, world: None
) -> None:
    ana = await campaign_staff(sessions, tmp_path, StaffRole.viewer, language="es")
    try:
        page = await (await ana.client.get(BASE)).text()
    finally:
        await ana.client.close()
    assert "Día Internacional" in page and "prevista" in page
    assert "Lanzar" not in page  # a viewer reads, and has no button to act


async def test_a_dry_run_says_who_gets_what_and_sends_nothing(
    ines: Staff, sessions: SessionFactory, fake_telegram: FakeTelegram
) -> None:
    page = await (await ines.client.get(f"{BASE}/steps/d-10")).text()
    assert "Dry run" in page and "Nothing is sent." in page
    assert "nuria@bcn.example (ca)" in page  # the first emails
    assert "Marta (ca)" in page  # the first chats
    assert "Català" in page and "Português" in page
    assert await sent_anything(sessions) == 0
    assert fake_telegram.calls == []


async def test_an_editor_launches_a_step_and_its_broadcast_is_queued_once(
    ines: Staff, sessions: SessionFactory
) -> None:
    status, location, _ = await post(ines, f"{BASE}/steps/d-10/launch")
    assert status == 303 and location.endswith("done=launched")
    page = await (await ines.client.get(location)).text()
    assert "Step launched" in page and "broadcast 1" in page
    async with sessions() as session:
        campaign = await service.get_campaign(session, YEAR)
        step = service.find_step(campaign, "d-10")
        assert step.status is StepStatus.done and step.launched_by == f"staff:{ines.member.id}"
        chats = await session.scalar(select(func.count()).select_from(BroadcastMessage))
    assert chats == 4
    again = await post(ines, f"{BASE}/steps/d-10/launch")
    assert again[1].endswith("done=already")
    assert (f"staff:{ines.member.id}", "campaign.launch", f"{YEAR} d-10") in await actions(sessions)


async def test_a_moderator_is_refused_the_launch(
    sessions: SessionFactory, tmp_path: Path, world: None
) -> None:
    mod = await campaign_staff(sessions, tmp_path, StaffRole.moderator)
    try:
        status, _location, page = await post(mod, f"{BASE}/steps/d-10/launch")
        dry = await (await mod.client.get(f"{BASE}/steps/d-10")).text()
    finally:
        await mod.client.close()
    assert status == 403 and "Your role does not allow this" in page
    assert await sent_anything(sessions) == 0
    assert "Launch D-10 now" not in dry  # reading is allowed, acting is not offered


async def test_pausing_and_resuming_a_step_and_the_campaign(
    ines: Staff, sessions: SessionFactory
) -> None:
    assert (await post(ines, f"{BASE}/steps/d-1/pause"))[1].endswith("done=paused")
    page = await (await ines.client.get(f"{BASE}/steps/d-1")).text()
    assert "Resume this step" in page
    assert (await post(ines, f"{BASE}/pause"))[1].endswith("done=paused")
    async with sessions() as session:
        campaign = await service.get_campaign(session, YEAR)
        assert service.find_step(campaign, "d-1").status is StepStatus.paused
        assert campaign.status.value == "paused"
    await post(ines, f"{BASE}/steps/d-1/resume")
    await post(ines, f"{BASE}/resume")
    async with sessions() as session:
        campaign = await service.get_campaign(session, YEAR)
        assert service.find_step(campaign, "d-1").status is StepStatus.planned
        assert campaign.status.value == "active"
    done = [a for _actor, a, _subject in await actions(sessions)]
    assert done == ["campaign.pause", "campaign.pause", "campaign.resume", "campaign.resume"]


async def test_moving_a_step_keeps_its_first_time(ines: Staff, sessions: SessionFactory) -> None:
    status, location, _ = await post(ines, f"{BASE}/steps/d-10/move", to=f"{YEAR}-11-22T10:30")
    assert status == 303 and location.endswith("done=moved")
    async with sessions() as session:
        step = service.find_step(await service.get_campaign(session, YEAR), "d-10")
    assert step.due_at == datetime(YEAR, 11, 22, 9, 30, tzinfo=UTC)  # 10:30 in Madrid
    assert step.moved_from == datetime(YEAR, 11, 20, 8, 0, tzinfo=UTC)
    page = await (await ines.client.get(BASE)).text()
    assert "moved from" in page
    moved = (f"staff:{ines.member.id}", "campaign.move", f"{YEAR} d-10 {step.due_at.isoformat()}")
    assert await actions(sessions) == [moved]


async def test_moving_a_step_to_no_date_or_a_past_one_shows_the_fields_error(
    sessions: SessionFactory, tmp_path: Path, world: None
) -> None:
    ines = await campaign_staff(sessions, tmp_path, language="es")
    try:
        status, _, page = await post(ines, f"{BASE}/steps/d-10/move", to="el martes")
        assert status == 422
        assert "Nueva hora: indique una fecha y una hora" in page
        assert 'aria-invalid="true"' in page and 'value="el martes"' in page
        status, _, page = await post(ines, f"{BASE}/steps/d-10/move", to="2020-01-01T09:00")
        assert status == 422 and "ya ha pasado" in page
    finally:
        await ines.client.close()
    async with sessions() as session:
        step = service.find_step(await service.get_campaign(session, YEAR), "d-10")
    assert step.moved_from is None


async def test_a_launched_step_cannot_be_moved_and_says_why(ines: Staff) -> None:
    await post(ines, f"{BASE}/steps/d-10/launch")
    status, _, page = await post(ines, f"{BASE}/steps/d-10/move", to=f"{YEAR}-11-25T09:00")
    assert status == 409 and "was launched already" in page


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/steps/d-99",
        f"{BASE}/steps/nothing",
        "/console/campaign/2040",
        "/console/campaign/2040/steps/d-10",
        "/console/campaign/123456",
    ],
)
async def test_unknown_steps_and_years_are_404_with_a_clear_page(ines: Staff, path: str) -> None:
    response = await ines.client.get(path)
    assert response.status == 404
    assert "We could not find this page" in await response.text()


async def test_launching_an_unknown_step_is_404(ines: Staff, sessions: SessionFactory) -> None:
    status, _, _ = await post(ines, f"{BASE}/steps/d-99/launch")
    assert status == 404
    assert await sent_anything(sessions) == 0
