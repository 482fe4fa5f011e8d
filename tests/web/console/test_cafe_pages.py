"""The virtual café pages: the month calendar, schedule with the form or a YAML file, a café's
people and check-ins, the report with its charts; bad input refused in the staff member's
language, unknown cafés answered 404, viewers kept to reading."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import FormData
from sqlalchemy import select

from storage.audit import AuditEvent
from storage.base import utcnow
from storage.broadcasts import Broadcast
from storage.cafes import Cafe, CafeSeat
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.bot.cafe_support import cafe_yaml
from tests.web.console.cafes_world import add_people, cafe_world, days
from tests.web.console.pages_world import Staff, signed_in

MADRID = ZoneInfo("Europe/Madrid")


def later(n: float) -> datetime:
    return utcnow().replace(second=0, microsecond=0) + days(n)


@pytest.fixture
async def ines(sessions: SessionFactory, tmp_path: Path) -> AsyncIterator[Staff]:
    staff = await signed_in(sessions, tmp_path / "outbox", StaffRole.moderator)
    yield staff
    await staff.client.close()


def form(token: str, **values: str) -> dict[str, str]:
    start = later(10).astimezone(MADRID)
    fields = {
        "csrf_token": token,
        "slug": "green-schoolyards",
        "title_en": "Green schoolyards",
        "title_es": "Patios verdes",
        "language": "es",
        "timezone": "Europe/Madrid",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "25",
        "call_url": "https://meet.example.org/green",
        "audience": "city_representatives",
        "speakers": "Ana Ruiz; woman; ES\nJoão Lima",
        "invite": "yes",
    }
    return fields | values


async def test_the_calendar_shows_each_cafe_on_its_day_in_the_secretariats_timezone(
    sessions: SessionFactory, ines: Staff
) -> None:
    # 23:30 UTC on 17 November is 00:30 on the 18th in Madrid
    starts = datetime(2026, 11, 17, 23, 30, tzinfo=UTC)
    world = await cafe_world(sessions, starts, starts - days(5))
    page = await (await ines.client.get("/console/cafes?month=2026-11")).text()
    assert "November 2026" in page
    assert 'href="/console/cafes?month=2026-10" rel="prev"' in page
    assert 'href="/console/cafes?month=2026-12" rel="next"' in page
    day_18 = page.split('<span class="day-number">18</span>')[1].split("</td>")[0]
    assert f'href="/console/cafes/{world.cafe_id}"' in day_18 and "12:30\u202fAM" in day_18
    day_17 = page.split('<span class="day-number">17</span>')[1].split("</td>")[0]
    assert "School streets" not in day_17
    december = await (await ines.client.get("/console/cafes?month=2026-12")).text()
    assert "No café this month." in december
    for bad in ("2026-13", "november", "2026-1"):
        assert (await ines.client.get(f"/console/cafes?month={bad}")).status == 404


async def test_a_cafe_scheduled_with_the_form_invites_its_audience(
    sessions: SessionFactory, ines: Staff
) -> None:
    await add_people(sessions)
    response = await ines.client.post(
        "/console/cafes", data=form(ines.token), allow_redirects=False
    )
    assert response.status == 303, await response.text()
    async with sessions() as session:
        cafe = await session.scalar(select(Cafe).where(Cafe.slug == "green-schoolyards"))
        assert cafe is not None
        assert cafe.duration_minutes == 90 and cafe.capacity == 25
        assert cafe.speakers == [
            {"name": "Ana Ruiz", "gender": "woman", "country": "ES"},
            {"name": "João Lima"},
        ]
        invited = await session.scalar(
            select(Broadcast).where(Broadcast.audience == f"cafe:{cafe.id}:invite")
        )
        assert invited is not None
        events = await session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor == f"staff:{ines.member.id}")
        )
        assert "cafe.create" in events.all()
    assert response.headers["Location"] == f"/console/cafes/{cafe.id}?done=created"
    page = await (await ines.client.get(response.headers["Location"])).text()
    assert "Café scheduled." in page and "Green schoolyards" in page and "90 minutes" in page


async def test_the_form_says_what_is_wrong_next_to_each_field_in_the_staff_members_language(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await add_people(sessions)
    staff = await signed_in(sessions, tmp_path / "out", StaffRole.moderator, language="fr")
    try:
        start = later(10).astimezone(MADRID)
        bad = form(
            staff.token,
            ends_at=(start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            call_url="http://meet.example.org/x",
            title_en="",
            title_es="",
            speakers="Ana; woman; Spain",
        )
        response = await staff.client.post("/console/cafes", data=bad)
        page = await response.text()
        assert response.status == 422
        assert "La fin doit être postérieure au début." in page
        assert "doit commencer par https://" in page
        assert 'id="ends_at-error"' in page and 'aria-invalid="true"' in page
        assert "speakers[0].country" in page
        assert 'value="Ana; woman; Spain' not in page  # textarea keeps it as text
        async with sessions() as session:
            assert await session.scalar(select(Cafe)) is None
    finally:
        await staff.client.close()


async def test_a_yaml_file_schedules_the_cafe_and_a_bad_one_lists_every_problem(
    sessions: SessionFactory, ines: Staff
) -> None:
    await add_people(sessions)

    async def upload(text: str) -> tuple[int, str, str]:
        data = FormData()
        data.add_field("csrf_token", ines.token)
        data.add_field("file", text.encode(), filename="cafe.yaml", content_type="text/yaml")
        response = await ines.client.post("/console/cafes/upload", data=data, allow_redirects=False)
        return response.status, response.headers.get("Location", ""), await response.text()

    status, location, _ = await upload(cafe_yaml(later(4)))
    assert status == 303 and location.endswith("?done=created")
    bad = cafe_yaml(later(4)).replace("capacity: 2", "capacity: 0").replace("https://", "ftp://")
    status, _, page = await upload(bad.replace("school-streets", "other"))
    assert status == 422
    assert "capacity: must be between 1 and 10000" in page
    assert "call_url: must start with https://" in page


async def test_unknown_cafes_are_answered_404(sessions: SessionFactory, ines: Staff) -> None:
    for path in ("/console/cafes/999", "/console/cafes/999/report", "/console/cafes/999/edit"):
        assert (await ines.client.get(path)).status == 404
    for path in ("/console/cafes/999/reschedule", "/console/cafes/999/check-in"):
        response = await ines.client.post(
            path, data={"csrf_token": ines.token, "starts_at": "2030-01-01T10:00"}
        )
        assert response.status == 404
    assert (await ines.client.get("/console/cafes/999/certificates/1.pdf")).status == 404


async def test_a_viewer_reads_the_cafes_but_cannot_schedule_or_move_them(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    world = await cafe_world(sessions, later(3), utcnow())
    viewer = await signed_in(sessions, tmp_path / "out", StaffRole.viewer)
    try:
        page = await (await viewer.client.get(f"/console/cafes/{world.cafe_id}")).text()
        assert "Ana" in page and "Reschedule" not in page and "Mark present" not in page
        calendar = await (await viewer.client.get("/console/cafes")).text()
        assert "Schedule a café" not in calendar
        refused = await viewer.client.post("/console/cafes", data=form(viewer.token))
        assert refused.status == 403
        moved = await viewer.client.post(
            f"/console/cafes/{world.cafe_id}/reschedule",
            data={"csrf_token": viewer.token, "starts_at": "2030-01-01T10:00"},
        )
        assert moved.status == 403
    finally:
        await viewer.client.close()


async def test_the_cafe_page_lists_the_registered_the_waiting_list_and_check_ins(
    sessions: SessionFactory, ines: Staff
) -> None:
    world = await cafe_world(sessions, utcnow() - timedelta(minutes=5), utcnow() - days(1))
    page = await (await ines.client.get(f"/console/cafes/{world.cafe_id}")).text()
    registered = page.split('id="registered-title"')[1].split("</section>")[0]
    waiting = page.split('id="waiting-title"')[1].split("</section>")[0]
    assert "Ana" in registered and "Chloé" in registered and "Marta" not in registered
    assert "Marta" in waiting
    response = await ines.client.post(
        f"/console/cafes/{world.cafe_id}/check-in",
        data={"csrf_token": ines.token, "person": str(world.people["Ana"])},
        allow_redirects=False,
    )
    assert response.status == 303
    async with sessions() as session:
        seat = await session.scalar(
            select(CafeSeat).where(CafeSeat.person_id == world.people["Ana"])
        )
        assert seat is not None and seat.checked_in_at is not None
    refused = await ines.client.post(
        f"/console/cafes/{world.cafe_id}/check-in",
        data={"csrf_token": ines.token, "person": str(world.people["Marta"])},
    )
    assert refused.status == 409
    assert "This person is not registered for the café." in await refused.text()


async def test_a_reschedule_to_the_past_or_no_time_is_refused(
    sessions: SessionFactory, ines: Staff
) -> None:
    world = await cafe_world(sessions, later(3), utcnow())
    for value, reason in (
        ("", "Please give a date and time."),
        ("2020-01-01T10:00", "The new start must be in the future."),
    ):
        response = await ines.client.post(
            f"/console/cafes/{world.cafe_id}/reschedule",
            data={"csrf_token": ines.token, "starts_at": value},
        )
        assert response.status == 422 and reason in await response.text()


async def test_the_report_shows_attendance_countries_networks_and_speakers_as_charts(
    sessions: SessionFactory, ines: Staff
) -> None:
    from tests.web.console.cafes_world import check_in

    world = await cafe_world(sessions, utcnow() - days(2), utcnow() - days(3))
    await check_in(sessions, world.cafe_id, world.people["Ana"], world.starts_at)
    page = await (await ines.client.get(f"/console/cafes/{world.cafe_id}/report")).text()
    assert page.count('<svg role="img"') == 4
    assert "Speakers by self-declared gender" in page
    assert "man: 1; not stated: 1; woman: 1" in page
    assert "AR: 1; FR: 1" in page
    assert "(50%" in page and "registered: 2; attended: 1; waiting: 1" in page


async def test_editing_keeps_the_seats_and_a_new_start_tells_the_people(
    sessions: SessionFactory, ines: Staff
) -> None:
    world = await cafe_world(sessions, later(3), utcnow())
    edit = f"/console/cafes/{world.cafe_id}/edit"
    page = await (await ines.client.get(edit)).text()
    local = world.starts_at.astimezone(MADRID)
    assert f'value="{local:%Y-%m-%dT%H:%M}"' in page and "Ana Ruiz; woman; ES" in page
    values = {
        "csrf_token": ines.token,
        "slug": "ignored-the-slug-stays",
        "title_en": "School streets, again",
        "language": "es",
        "timezone": "Europe/Madrid",
        "starts_at": f"{local:%Y-%m-%dT%H:%M}",
        "ends_at": f"{local + timedelta(minutes=60):%Y-%m-%dT%H:%M}",
        "capacity": "3",
        "call_url": "https://meet.example.org/school-streets",
        "audience": "everyone",
    }
    saved = await ines.client.post(edit, data=values, allow_redirects=False)
    assert saved.status == 303 and saved.headers["Location"].endswith("done=updated")
    async with sessions() as session:
        cafe = await session.get_one(Cafe, world.cafe_id)
        assert cafe.slug == "school-streets" and cafe.capacity == 3 and cafe.seats_taken == 3
        assert cafe.titles == {"en": "School streets, again"}
    moved = local + timedelta(hours=3)
    values |= {
        "starts_at": f"{moved:%Y-%m-%dT%H:%M}",
        "ends_at": f"{moved + timedelta(minutes=60):%Y-%m-%dT%H:%M}",
    }
    again = await ines.client.post(edit, data=values, allow_redirects=False)
    assert again.status == 303 and again.headers["Location"].endswith("done=moved")
    async with sessions() as session:
        cafe = await session.get_one(Cafe, world.cafe_id)
        assert cafe.starts_at == moved.astimezone(UTC) and cafe.sequence == 1
        told = await session.scalar(
            select(Broadcast).where(Broadcast.audience == f"cafe:{world.cafe_id}:moved")
        )
        assert told is not None
