"""The audit log page: every console change is a row (who, what, before → after, face, IP);
staff filter it by person, object and day, and download the same rows as a CSV that a
spreadsheet opens as data, never as formulas."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from storage.audit import AuditEvent, record
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.web.console.helpers import add_member, console_client, csrf_token, sign_in_as


async def add_events(sessions: SessionFactory) -> None:
    async with sessions() as session:
        for at, actor, action, subject, extra in (
            (
                datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
                "cli:ana",
                "bulletin.approve",
                "edition:12",
                {},
            ),
            (
                datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
                "person:7",
                "youth.approved",
                "youth_submission:3",
                {},
            ),
            (
                datetime(2026, 11, 30, 23, 30, tzinfo=UTC),
                "scheduler",
                "bulletin.send",
                "edition:12",
                {},
            ),
            (
                datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
                "cli:ana",
                "subscribers.add",
                '=HYPERLINK("http://x")',
                {"note": "+1;-2"},
            ),
        ):
            event = record(session, actor, action, subject, **extra)
            event.at = at
        await session.commit()


async def test_staff_filter_the_log_by_person_object_and_day(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await add_events(sessions)
    viewer = await add_member(sessions, StaffRole.viewer, language="en")
    async with console_client(sessions, tmp_path) as client:
        await sign_in_as(client, sessions, viewer)
        by_object = await (
            await client.get("/console/audit", params={"subject": "edition:12"})
        ).text()
        by_person = await (await client.get("/console/audit", params={"actor": "cli:ana"})).text()
        # 30 November 23:30 UTC is 1 December in Madrid, the secretariat's timezone
        by_day = await (
            await client.get("/console/audit", params={"from": "2026-12-01", "to": "2026-12-01"})
        ).text()
        by_kind = await (
            await client.get("/console/audit", params={"subject": "youth_submission:"})
        ).text()
        fragment = await client.get(
            "/console/audit", params={"face": "bot"}, headers={"HX-Request": "true"}
        )
        partial = await fragment.text()
    assert "bulletin.approve" in by_object and "bulletin.send" in by_object
    assert "subscribers.add" not in by_object and "youth.approved" not in by_object
    assert "subscribers.add" in by_person and "bulletin.send" not in by_person
    assert (
        "bulletin.send" in by_day
        and "subscribers.add" in by_day
        and "bulletin.approve" not in by_day
    )
    assert "youth.approved" in by_kind and "bulletin" not in by_kind.split('id="results"')[1]
    # htmx gets the results block alone, the bot's face only
    assert partial.lstrip().startswith('<div id="results">') and "<html" not in partial
    assert "youth.approved" in partial and "bulletin.send" not in partial


async def test_the_csv_export_is_the_filtered_log_and_formula_safe(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await add_events(sessions)
    owner = await add_member(sessions, StaffRole.owner)
    async with console_client(sessions, tmp_path) as client:
        await sign_in_as(client, sessions, owner)
        response = await client.get("/console/audit.csv", params={"actor": "cli:ana"})
        text = (await response.read()).decode("utf-8-sig")
    assert response.status == 200 and response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:7] == ["id", "at_utc", "actor", "face", "ip", "action", "subject"]
    assert [r[5] for r in rows[1:]] == ["bulletin.approve", "subscribers.add"]
    formula = rows[2]
    assert formula[6] == '\'=HYPERLINK("http://x")'
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert formula[3] == "cli"


async def test_a_console_change_is_audited_with_before_after_face_and_ip(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    owner = await add_member(sessions, StaffRole.owner, "olga@aive.test", "Olga")
    editor = await add_member(sessions, StaffRole.editor, "ines@aive.test", "Inés")
    async with console_client(sessions, tmp_path) as client:
        await sign_in_as(client, sessions, owner)
        token = await csrf_token(client, "/console/staff")
        changed = await client.post(
            f"/console/staff/{editor.id}/role",
            data={"role": "viewer", "csrf_token": token},
            allow_redirects=False,
        )
        assert changed.status == 303
        page = await (
            await client.get("/console/audit", params={"subject": f"staff:{editor.id}"})
        ).text()
    async with sessions() as session:
        from sqlalchemy import select

        event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.role"))
    assert event is not None
    assert (event.actor, event.before, event.after, event.face) == (
        f"staff:{owner.id}",
        "editor",
        "viewer",
        "console",
    )
    assert event.ip == "127.0.0.1"
    assert "editor → viewer" in page and "Olga" in page
