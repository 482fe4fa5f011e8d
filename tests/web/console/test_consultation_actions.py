"""What a moderator does with consultations in the console: write one in the editor (checked as
they type, the problems with their paths in their language, a preview of the first questions
as the bot shows them), upload one, open it (the audience invited in the bot), remind the cities
that have not answered, close it, and download its CSV and XLSX (parsed back)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import FormData
from openpyxl import load_workbook
from sqlalchemy import select

from storage.audit import AuditEvent
from storage.base import utcnow
from storage.broadcasts import Broadcast, BroadcastMessage
from storage.consultations import Consultation, ConsultationStatus
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.bot.consultation_support import declaration_yaml
from tests.web.console.consultation_world import ConsultationWorld, consultation_world
from tests.web.console.pages_world import Staff, signed_in

BROKEN = """slug: broken
title: {en: Broken}
audience: city_representatives
one_response_per: city
opens_at: 2026-11-01T09:00:00+01:00
closes_at: 2026-10-01T09:00:00+01:00
questions:
  - id: priority
    type: single_choice
    text: {en: "Main priority?"}
  - id: rating
    type: scale
    min: 1
    text: {en: "How much?"}
"""


@pytest.fixture
async def moderator(sessions: SessionFactory, tmp_path: Path) -> AsyncIterator[Staff]:
    staff = await signed_in(sessions, tmp_path / "outbox", StaffRole.moderator)
    yield staff
    await staff.client.close()


@pytest.fixture
async def french_moderator(sessions: SessionFactory, tmp_path: Path) -> AsyncIterator[Staff]:
    staff = await signed_in(sessions, tmp_path / "outbox", StaffRole.moderator, language="fr")
    yield staff
    await staff.client.close()


async def post(staff: Staff, path: str, htmx: bool = False, **fields: str) -> tuple[int, str]:
    headers = {"HX-Request": "true"} if htmx else {}
    response = await staff.client.post(
        path, data={"csrf_token": staff.token, **fields}, headers=headers, allow_redirects=False
    )
    return response.status, await response.text()


async def actions(sessions: SessionFactory) -> list[tuple[str, str, str | None]]:
    async with sessions() as session:
        rows = await session.execute(
            select(AuditEvent.action, AuditEvent.actor, AuditEvent.face).order_by(AuditEvent.id)
        )
        return [tuple(r) for r in rows.all()]  # type: ignore[misc]


async def test_the_editor_reports_every_problem_with_its_path_in_the_staff_language(
    french_moderator: Staff,
) -> None:
    status, fragment = await post(
        french_moderator, "/console/consultations/check", htmx=True, yaml=BROKEN
    )
    assert status == 200 and fragment.lstrip().startswith('<div id="check"')
    assert "La consultation a 3 problèmes" in fragment
    assert "questions[0].options: manquant" in fragment
    assert "questions[1].max: manquant" in fragment
    assert "closes_at: doit être postérieur à opens_at" in fragment
    # broken YAML: where the parser stopped
    _, fragment = await post(
        french_moderator, "/console/consultations/check", htmx=True, yaml="slug: [a\ntitle: b\n"
    )
    assert "yaml: line 2, column" in fragment
    # without JavaScript the create button checks too, and nothing is created
    status, page = await post(french_moderator, "/console/consultations", yaml=BROKEN)
    assert status == 422 and "questions[0].options: manquant" in page
    assert "<html" in page and "Aucune consultation pour l" in page


async def test_a_valid_text_is_previewed_as_the_bot_shows_its_first_questions(
    moderator: Staff,
) -> None:
    _, fragment = await post(
        moderator,
        "/console/consultations/check",
        htmx=True,
        yaml=declaration_yaml(),
        preview_lang="ca",
    )
    assert "No problem found: it can be created." in fragment
    assert '<figure class="bot-message" lang="ca">' in fragment
    assert (
        "Prioritat principal?" in fragment and '<span class="bot-key">Inclusió</span>' in fragment
    )
    assert '<span class="bot-key">Fet</span>' in fragment  # Done, under the multi choice
    assert fragment.count('class="bot-message"') == 3
    # the check button without JavaScript shows the same preview, creating nothing
    status, page = await post(
        moderator, "/console/consultations", yaml=declaration_yaml(), action="check"
    )
    assert status == 200 and "Main priority?" in page and "No consultation yet." in page


async def test_created_from_a_file_then_opened_invites_and_closed(
    moderator: Staff, sessions: SessionFactory
) -> None:
    world = await consultation_world(sessions, status=ConsultationStatus.closed)
    form = FormData()
    form.add_field("csrf_token", moderator.token)
    form.add_field("action", "create")
    source = declaration_yaml().replace("slug: declaration", "slug: declaration-2")
    form.add_field("file", source.encode(), filename="d.yaml", content_type="application/yaml")
    response = await moderator.client.post(
        "/console/consultations", data=form, allow_redirects=False
    )
    assert response.status == 303
    location = response.headers["Location"]
    assert location.endswith("?done=created")
    page = await (await moderator.client.get(location)).text()
    assert "Consultation created as a draft" in page and 'id="status">draft<' in page
    cid = int(location.split("/")[-1].split("?")[0])
    opened = await moderator.client.post(
        f"/console/consultations/{cid}/open", data={"csrf_token": moderator.token}
    )
    assert "Open. 4 invitations queued in the bot; 0 emailed." in await opened.text()
    async with sessions() as session:
        chats = await session.scalars(
            select(BroadcastMessage.chat_id)
            .join(Broadcast)
            .where(Broadcast.key.startswith(f"consultation:{cid}:invite"))
        )
        assert sorted(chats) == [9000, 9001, 9002, 9003]
    status, _ = await post(moderator, f"/console/consultations/{cid}/close")
    page = await (await moderator.client.get(f"/console/consultations/{cid}?done=closed")).text()
    assert "Closed. No answer is accepted any more." in page and 'id="status">closed<' in page
    actor = f"staff:{moderator.member.id}"
    assert [a for a in await actions(sessions) if a[1] == actor] == [
        ("consultation.create", actor, "console"),
        ("consultation.open", actor, "console"),
        ("consultation.closed", actor, "console"),
    ]
    # the same slug again: refused, with its path
    status, page = await post(moderator, "/console/consultations", yaml=declaration_yaml())
    assert status == 422 and "slug: a consultation &#39;declaration&#39; already exists" in page
    assert world.consultation_id != cid


async def test_a_consultation_past_its_closing_time_is_not_opened_again(
    moderator: Staff, sessions: SessionFactory
) -> None:
    world = await consultation_world(sessions, status=ConsultationStatus.closed)
    async with sessions() as session:
        consultation = await session.get_one(Consultation, world.consultation_id)
        consultation.closes_at = utcnow() - timedelta(hours=1)
        await session.commit()
    response = await moderator.client.post(
        f"/console/consultations/{world.consultation_id}/open",
        data={"csrf_token": moderator.token},
    )
    assert "Its closing time has passed; it cannot be opened again." in await response.text()


async def test_remind_the_cities_that_have_not_answered_once(
    moderator: Staff, sessions: SessionFactory
) -> None:
    world = await consultation_world(sessions)
    base = f"/console/consultations/{world.consultation_id}"
    response = await moderator.client.post(f"{base}/remind", data={"csrf_token": moderator.token})
    text = await response.text()
    assert "1 representative reminded in the bot." in text
    assert "<td>1 of 1</td>" in text.split('id="waiting"')[1]  # Lyon's representative
    async with sessions() as session:
        chats = await session.scalars(
            select(BroadcastMessage.chat_id)
            .join(Broadcast)
            .where(Broadcast.key.startswith(f"consultation:{world.consultation_id}:reminder"))
        )
        assert list(chats) == [9003]
    again = await moderator.client.post(f"{base}/remind", data={"csrf_token": moderator.token})
    assert "0 representatives reminded in the bot." in await again.text()
    actor = f"staff:{moderator.member.id}"
    assert [a for a in await actions(sessions) if a[0] == "consultation.remind"] == [
        ("consultation.remind", actor, "console"),
        ("consultation.remind", actor, "console"),
    ]


async def test_a_draft_cannot_be_reminded(moderator: Staff, sessions: SessionFactory) -> None:
    world = await consultation_world(sessions, status=ConsultationStatus.draft)
    base = f"/console/consultations/{world.consultation_id}"
    page = await (await moderator.client.get(base)).text()
    assert "Send the reminder" not in page
    response = await moderator.client.post(f"{base}/remind", data={"csrf_token": moderator.token})
    assert "Only an open consultation can be reminded." in await response.text()


async def test_exports_parse_back(moderator: Staff, sessions: SessionFactory) -> None:
    world: ConsultationWorld = await consultation_world(sessions)
    base = f"/console/consultations/{world.consultation_id}"
    response = await moderator.client.get(f"{base}/export.csv")
    assert response.status == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="declaration.csv"'
    rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8"))))
    assert rows[0] == [
        "response_id", "city", "country", "language", "submitted_at",
        "priority", "actions", "satisfaction", "why", "budget", "channel",
    ]  # fmt: skip
    by_city = {row[1]: row for row in rows[1:]}
    assert set(by_city) == {"Barcelona", "Girona", "Lisboa"}
    assert by_city["Barcelona"][5:8] == ["inclusion", "schools;parks", "4"]
    response = await moderator.client.get(f"{base}/export.xlsx")
    assert response.status == 200
    assert response.content_type == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(await response.read()))
    sheet = [list(row) for row in book["responses"].iter_rows(values_only=True)]
    assert sheet[0] == rows[0] and len(sheet) == 4
    lisboa = next(row for row in sheet if row[1] == "Lisboa")
    assert lisboa[5] == "climate" and lisboa[7] == 2 and lisboa[9] == 50  # numbers as numbers
    assert isinstance(lisboa[0], int)
    summary = [list(row) for row in book["results"].iter_rows(values_only=True)]
    assert summary[1][:7] == ["priority", "single_choice", 3, "inclusion", "Inclusion", 2, 66.7]
    satisfaction = next(row for row in summary if row[0] == "satisfaction")
    assert satisfaction[7:] == [3.67, 2, 5]


async def test_a_file_that_is_not_utf8_text_or_nothing_at_all_is_refused_clearly(
    moderator: Staff,
) -> None:
    form = FormData()
    form.add_field("csrf_token", moderator.token)
    form.add_field("file", "slug: café".encode("latin-1"), filename="c.yaml")
    response = await moderator.client.post("/console/consultations", data=form)
    assert response.status == 422
    assert "File: it must be YAML text in UTF-8." in await response.text()
    status, page = await post(moderator, "/console/consultations", yaml="  ")
    assert status == 422
    assert "Write the consultation in the editor or choose its file." in page
