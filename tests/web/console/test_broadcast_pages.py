"""Broadcasts in the console: progress by state (and only the progress when htmx polls), pause,
resume and cancel through the outbox's calls, requeuing the uncertain messages only after a
confirmation that says what it risks; and the refusals (unknown broadcast, a finished one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.audit import AuditEvent
from storage.broadcasts import (
    Broadcast,
    BroadcastKind,
    BroadcastMessage,
    BroadcastStatus,
    MessageState,
)
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.web.console.pages_world import Staff, signed_in

STATES = {"queued": 3, "sent": 5, "failed": 1, "uncertain": 2}


async def add_broadcast(
    sessions: SessionFactory,
    states: dict[str, int],
    status: BroadcastStatus = BroadcastStatus.sending,
) -> int:
    async with sessions() as session:
        broadcast = Broadcast(
            kind=BroadcastKind.text,
            payload={"text": {"en": "Hello", "es": "Hola"}},
            audience="city_representatives",
            created_by="test",
            status=status,
        )
        session.add(broadcast)
        await session.flush()
        chat = 1000
        for state, count in states.items():
            for _ in range(count):
                chat += 1
                session.add(
                    BroadcastMessage(
                        broadcast_id=broadcast.id, chat_id=chat, state=MessageState(state)
                    )
                )
        await session.commit()
        return broadcast.id


async def counts(sessions: SessionFactory, broadcast_id: int) -> dict[str, int]:
    async with sessions() as session:
        rows = await session.scalars(
            select(BroadcastMessage).where(BroadcastMessage.broadcast_id == broadcast_id)
        )
        found: dict[str, int] = {}
        for row in rows:
            found[row.state.value] = found.get(row.state.value, 0) + 1
        return found


async def status_of(sessions: SessionFactory, broadcast_id: int) -> str:
    async with sessions() as session:
        broadcast = await session.get_one(Broadcast, broadcast_id)
        return broadcast.status.value


@pytest.fixture
async def ines(sessions: SessionFactory, tmp_path: Path) -> AsyncIterator[Staff]:
    staff = await signed_in(sessions, tmp_path / "outbox")
    yield staff
    await staff.client.close()


async def post(staff: Staff, path: str, **fields: str) -> tuple[int, str, str]:
    response = await staff.client.post(
        path, data={"csrf_token": staff.token, **fields}, allow_redirects=False
    )
    return response.status, response.headers.get("Location", ""), await response.text()


async def test_each_broadcast_shows_its_progress_by_state(
    ines: Staff, sessions: SessionFactory
) -> None:
    broadcast_id = await add_broadcast(sessions, STATES)
    listing = await (await ines.client.get("/console/broadcasts")).text()
    assert f'href="/console/broadcasts/{broadcast_id}"' in listing
    assert "6 of 11" in listing and 'hx-trigger="every 3s"' in listing
    page = await (await ines.client.get(f"/console/broadcasts/{broadcast_id}")).text()
    assert "6 of 11 messages handled" in page
    assert '<dd id="state-uncertain">2</dd>' in page and '<dd id="state-sent">5</dd>' in page
    assert f'hx-get="/console/broadcasts/{broadcast_id}"' in page
    assert "Requeue 2 uncertain messages" in page


async def test_htmx_gets_only_the_progress_and_it_moves(
    ines: Staff, sessions: SessionFactory
) -> None:
    broadcast_id = await add_broadcast(sessions, {"queued": 2})
    path, headers = f"/console/broadcasts/{broadcast_id}", {"HX-Request": "true"}
    first = await (await ines.client.get(path, headers=headers)).text()
    assert first.lstrip().startswith('<section id="progress"') and "<html" not in first
    assert "0 of 2 messages handled" in first
    async with sessions() as session:
        for row in await session.scalars(select(BroadcastMessage)):
            row.state = MessageState.sent
        (await session.get_one(Broadcast, broadcast_id)).status = BroadcastStatus.done
        await session.commit()
    later = await (await ines.client.get(path, headers=headers)).text()
    assert "2 of 2 messages handled" in later and "finished" in later
    assert "hx-trigger" not in later  # a finished broadcast stops polling


async def test_pause_resume_and_cancel_go_through_the_outbox(
    ines: Staff, sessions: SessionFactory
) -> None:
    broadcast_id = await add_broadcast(sessions, STATES)
    base = f"/console/broadcasts/{broadcast_id}"
    assert (await post(ines, f"{base}/pause"))[1].endswith("done=paused")
    assert await status_of(sessions, broadcast_id) == "paused"
    page = await (await ines.client.get(f"{base}?done=paused")).text()
    assert "Broadcast paused" in page and ">Resume</button>" in page
    assert (await post(ines, f"{base}/resume"))[1].endswith("done=resumed")
    assert await status_of(sessions, broadcast_id) == "sending"
    assert (await post(ines, f"{base}/cancel"))[1].endswith("done=cancelled")
    assert await status_of(sessions, broadcast_id) == "cancelled"
    assert (await counts(sessions, broadcast_id))["cancelled"] == 3
    async with sessions() as session:
        events = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action.like("broadcast.%")))
        ).all()
    assert [(e.action, e.subject, e.actor) for e in events] == [
        (action, f"broadcast:{broadcast_id}", f"staff:{ines.member.id}")
        for action in ("broadcast.pause", "broadcast.resume", "broadcast.cancel")
    ]


async def test_cancelling_a_finished_broadcast_says_so_clearly(
    ines: Staff, sessions: SessionFactory
) -> None:
    broadcast_id = await add_broadcast(sessions, {"sent": 4}, BroadcastStatus.done)
    status, _, page = await post(ines, f"/console/broadcasts/{broadcast_id}/cancel")
    assert status == 409
    assert "This broadcast is over (sent or cancelled): there is nothing left to cancel." in page
    assert await counts(sessions, broadcast_id) == {"sent": 4}
    status, _, page = await post(ines, f"/console/broadcasts/{broadcast_id}/pause")
    assert status == 409 and "nothing left to pause" in page


async def test_requeuing_uncertain_messages_needs_a_confirmation_that_says_the_risk(
    ines: Staff, sessions: SessionFactory
) -> None:
    broadcast_id = await add_broadcast(sessions, STATES)
    base = f"/console/broadcasts/{broadcast_id}/requeue"
    page = await (await ines.client.get(base)).text()
    assert "2 messages are uncertain" in page
    assert "a person who did get the message will get it twice" in page
    status, _, page = await post(ines, base)  # the box not ticked
    assert status == 422 and "Please tick the box" in page
    assert (await counts(sessions, broadcast_id))["uncertain"] == 2
    status, location, _ = await post(ines, base, confirm="yes")
    assert status == 303 and location.endswith("done=requeued")
    assert await counts(sessions, broadcast_id) == {"queued": 5, "sent": 5, "failed": 1}
    async with sessions() as session:
        event = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "broadcast.requeue_uncertain")
        )
    assert event is not None and event.details == {"requeued": 2}
    assert event.actor == f"staff:{ines.member.id}" and event.face == "console"


async def test_requeuing_on_a_cancelled_broadcast_is_refused(
    ines: Staff, sessions: SessionFactory
) -> None:
    broadcast_id = await add_broadcast(sessions, {"uncertain": 1}, BroadcastStatus.cancelled)
    status, _, page = await post(ines, f"/console/broadcasts/{broadcast_id}/requeue", confirm="yes")
    assert status == 409 and "nothing left to requeue" in page
    assert await counts(sessions, broadcast_id) == {"uncertain": 1}


@pytest.mark.parametrize("suffix", ["", "/requeue"])
async def test_an_unknown_broadcast_is_404(ines: Staff, suffix: str) -> None:
    response = await ines.client.get(f"/console/broadcasts/999{suffix}")
    assert response.status == 404 and "We could not find this page" in await response.text()


@pytest.mark.parametrize("action", ["pause", "resume", "cancel", "requeue"])
async def test_acting_on_an_unknown_broadcast_is_404(ines: Staff, action: str) -> None:
    status, _, _ = await post(ines, f"/console/broadcasts/999/{action}", confirm="yes")
    assert status == 404


async def test_a_viewer_follows_a_broadcast_without_buttons(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    broadcast_id = await add_broadcast(sessions, STATES)
    viewer = await signed_in(sessions, tmp_path / "outbox", StaffRole.viewer)
    try:
        page = await (await viewer.client.get(f"/console/broadcasts/{broadcast_id}")).text()
        status, _, _ = await post(viewer, f"/console/broadcasts/{broadcast_id}/cancel")
    finally:
        await viewer.client.close()
    assert "6 of 11" in page and "Cancel the broadcast" not in page
    assert status == 403
    assert await status_of(sessions, broadcast_id) == "sending"
