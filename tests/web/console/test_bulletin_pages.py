"""The bulletin pages as an editor uses them: compose this month's draft, read its preview in
each language and width, leave an item out, write an editorial, approve it for a time, follow
its sending and stats; and what happens with bad input."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from newsletter.editions import service
from storage.audit import AuditEvent
from storage.base import utcnow
from storage.bulletins import Edition, EditionStatus
from storage.deliveries import Delivery, DeliveryEvent, DeliveryState
from storage.engine import SessionFactory
from storage.staff import StaffRole
from storage.subscribers import Subscriber, SubscriberStatus
from tests.web.console.pages_world import PagesWorld, Staff, pages_world, signed_in

MADRID = ZoneInfo("Europe/Madrid")


@pytest.fixture
async def world(sessions: SessionFactory) -> PagesWorld:
    return await pages_world(sessions)


@pytest.fixture
async def ines(sessions: SessionFactory, tmp_path: Path) -> AsyncIterator[Staff]:
    staff = await signed_in(sessions, tmp_path / "outbox")
    yield staff
    await staff.client.close()


async def compose(staff: Staff, language: str = "es") -> int:
    response = await staff.client.post(
        "/console/bulletins/series/global/compose",
        data={"csrf_token": staff.token, "language": language},
        allow_redirects=False,
    )
    assert response.status == 303, await response.text()
    found = re.search(r"/editions/(\d+)", response.headers["Location"])
    assert found
    return int(found.group(1))


async def test_a_composed_draft_shows_its_items_spread_and_preview(
    world: PagesWorld, ines: Staff
) -> None:
    edition_id = await compose(ines)
    other = await compose(ines, "pt")
    page = await (await ines.client.get(f"/console/bulletins/editions/{edition_id}")).text()
    assert "News barcelona-0" in page and "News lyon-1" in page
    assert 'role="alert"' not in page  # no error shown on a page that had none
    assert 'class="preview w600"' in page
    assert f'href="/console/bulletins/editions/{other}?width=600" lang="pt"' in page
    assert "<svg" in page and "spread-countries-title" in page
    assert "Draft composed." in (
        await (
            await ines.client.get(f"/console/bulletins/editions/{edition_id}?done=composed")
        ).text()
    )
    narrow = await (
        await ines.client.get(f"/console/bulletins/editions/{edition_id}?width=375")
    ).text()
    assert 'class="preview w375"' in narrow
    preview = await ines.client.get(f"/console/bulletins/editions/{edition_id}/preview")
    assert preview.status == 200
    assert "sandbox" in preview.headers["Content-Security-Policy"]
    assert "News barcelona-0" in await preview.text()
    listing = await (await ines.client.get("/console/bulletins?state=draft")).text()
    assert f"/console/bulletins/editions/{edition_id}" in listing


async def test_leaving_an_item_out_and_writing_an_editorial_change_the_email(
    world: PagesWorld, ines: Staff, sessions: SessionFactory
) -> None:
    edition_id = await compose(ines)
    base = f"/console/bulletins/editions/{edition_id}"
    item = world.items["lisboa-0"]
    left = await ines.client.post(
        f"{base}/items/{item}/leave-out", data={"csrf_token": ines.token}, allow_redirects=False
    )
    assert left.status == 303
    preview = await (await ines.client.get(f"{base}/preview")).text()
    assert "News lisboa-0" not in preview
    page = await (await ines.client.get(base)).text()
    assert re.search(r'class="left-out">\s*<span class="item-title">News lisboa-0', page)
    # htmx gets only the editor's part back
    fragment = await ines.client.post(
        f"{base}/items/{item}/leave-out",
        data={"csrf_token": ines.token},
        headers={"HX-Request": "true"},
    )
    part = await fragment.text()
    assert part.lstrip().startswith('<div id="draft"') and "<html" not in part
    unsaved = await (
        await ines.client.post(
            f"{base}/editorial",
            data={"csrf_token": ines.token, "editorial": "**Hola** a todas", "action": "preview"},
        )
    ).text()
    assert "<strong>Hola</strong> a todas" in unsaved
    async with sessions() as session:
        assert (await service.get_edition(session, edition_id)).editorial is None
    saved = await ines.client.post(
        f"{base}/editorial",
        data={"csrf_token": ines.token, "editorial": "Un mes de ciudades.", "action": "save"},
        allow_redirects=False,
    )
    assert saved.status == 303
    assert "Un mes de ciudades." in await (await ines.client.get(f"{base}/preview")).text()
    too_long = await ines.client.post(
        f"{base}/editorial", data={"csrf_token": ines.token, "editorial": "x" * 3001}
    )
    assert too_long.status == 422 and "at most 3000 characters" in await too_long.text()
    subject = await ines.client.post(
        f"{base}/subject", data={"csrf_token": ines.token, "subject": "Marzo\r\nsegunda línea"}
    )
    assert subject.status == 422 and "single line" in await subject.text()
    async with sessions() as session:
        actions = (await session.scalars(select(AuditEvent.action))).all()
    assert actions.count("bulletin.edit") == 3  # twice the item, once the editorial


async def test_approved_for_nine_tomorrow_then_sent_shows_progress_and_stats(
    world: PagesWorld, ines: Staff, sessions: SessionFactory, tmp_path: Path
) -> None:
    edition_id = await compose(ines)
    base = f"/console/bulletins/editions/{edition_id}"
    tested = await ines.client.post(f"{base}/test", data={"csrf_token": ines.token})
    assert tested.status == 200 and "Test email sent to your address." in await tested.text()
    [eml] = (tmp_path / "outbox").glob("bulletin-test-*.eml")
    assert "Subject: [TEST]" in eml.read_text() and "To: =?utf-8?q?In=C3=A9s?=" in eml.read_text()
    tomorrow = (utcnow().astimezone(MADRID) + timedelta(days=1)).date()
    approved = await ines.client.post(
        f"{base}/approve",
        data={"csrf_token": ines.token, "when": "at", "send_at": f"{tomorrow}T09:00"},
    )
    assert approved.status == 200
    assert "goes out at" in await approved.text()
    async with sessions() as session:
        edition = await session.get_one(Edition, edition_id)
        assert edition.status is EditionStatus.scheduled
        assert edition.send_at == datetime(
            tomorrow.year, tomorrow.month, tomorrow.day, 9, tzinfo=MADRID
        )
        # the worker's part, as the delivery engine records it
        people = [
            Subscriber(email=f"r{n}@example.es", language="es", status=SubscriberStatus.confirmed)
            for n in range(4)
        ]
        session.add_all(people)
        await session.flush()
        edition.status = EditionStatus.sending
        for n, person in enumerate(people):
            state = DeliveryState.accepted if n < 3 else DeliveryState.queued
            session.add(
                Delivery(
                    edition_id=edition_id, subscriber_id=person.id, email=person.email, state=state
                )
            )
        session.add(
            DeliveryEvent(
                sg_event_id="o1", event="open", edition_id=edition_id, subscriber_id=people[0].id
            )
        )
        await session.commit()
    live = await ines.client.get(f"{base}/progress", headers={"HX-Request": "true"})
    part = await live.text()
    assert part.lstrip().startswith('<section id="sending"')
    assert 'hx-trigger="every 3s"' in part and 'max="4" value="3"' in part
    assert "3 of 4 emails handed over" in part
    async with sessions() as session:
        edition = await session.get_one(Edition, edition_id)
        edition.status = EditionStatus.sent
        await session.commit()
    done = await (await ines.client.get(base)).text()
    assert "every 3s" not in done
    assert re.search(r"opened: 1", done) and re.search(r"accepted: 3", done)


async def test_bad_input_and_unknown_ids(world: PagesWorld, ines: Staff) -> None:
    edition_id = await compose(ines)
    base = f"/console/bulletins/editions/{edition_id}"
    assert (await ines.client.get("/console/bulletins/editions/999999")).status == 404
    assert (await ines.client.get("/console/bulletins/editions/abc")).status == 404
    assert (await ines.client.get("/console/bulletins?state=nonsense")).status == 404
    unknown_item = await ines.client.post(
        f"{base}/items/999999/pin", data={"csrf_token": ines.token}
    )
    assert unknown_item.status == 422 and "no item with id 999999" in await unknown_item.text()
    bad_action = await ines.client.post(
        f"{base}/items/{world.items['lyon-0']}/explode", data={"csrf_token": ines.token}
    )
    assert bad_action.status == 404
    past = await ines.client.post(
        f"{base}/approve",
        data={"csrf_token": ines.token, "when": "at", "send_at": "2020-01-01T09:00"},
    )
    assert past.status == 422 and "is in the past" in await past.text()
    garbled = await ines.client.post(
        f"{base}/approve", data={"csrf_token": ines.token, "when": "at", "send_at": "tomorrow"}
    )
    assert garbled.status == 422 and "give a date and a time" in await garbled.text()
    cancelled = await ines.client.post(
        f"{base}/cancel", data={"csrf_token": ines.token}, allow_redirects=False
    )
    assert cancelled.status == 303
    again = await ines.client.post(
        f"{base}/approve", data={"csrf_token": ines.token, "when": "now"}
    )
    assert again.status == 409
    compose_unknown = await ines.client.post(
        "/console/bulletins/series/nope/compose", data={"csrf_token": ines.token, "language": "es"}
    )
    assert compose_unknown.status == 404


async def test_series_are_added_with_their_cadence_or_refused_field_by_field(
    world: PagesWorld, ines: Staff
) -> None:
    form = {
        "csrf_token": ines.token,
        "slug": "portugal",
        "networks": "portugal",
        "languages": "pt",
        "title_pt": "Boletim de Portugal",
        "cadence": "0 9 1-7 * mon",
    }
    added = await ines.client.post("/console/bulletins/series", data=form, allow_redirects=False)
    assert added.status == 303
    page = await (await ines.client.get("/console/bulletins")).text()
    assert "(portugal)" in page and "0 9 1-7 * mon" in page
    again = await ines.client.post("/console/bulletins/series", data=form)
    assert again.status == 422 and "already exists" in await again.text()
    bad = await ines.client.post(
        "/console/bulletins/series", data=form | {"slug": "other", "cadence": "every tuesday"}
    )
    body = await bad.text()
    assert bad.status == 422 and 'id="cadence" name="cadence" value="every tuesday"' in body


async def test_a_viewer_reads_the_editor_without_its_buttons(
    world: PagesWorld, ines: Staff, sessions: SessionFactory, tmp_path: Path
) -> None:
    edition_id = await compose(ines)
    viewer = await signed_in(sessions, tmp_path / "v", StaffRole.viewer, language="es")
    try:
        page = await (await viewer.client.get(f"/console/bulletins/editions/{edition_id}")).text()
    finally:
        await viewer.client.close()
    assert "News barcelona-0" in page
    assert "Vista previa del correo" in page and "Reparto de las noticias" in page
    assert "/approve" not in page and "/leave-out" not in page


async def test_a_french_editor_reads_the_approval_refusals_in_french(
    world: PagesWorld, sessions: SessionFactory, tmp_path: Path
) -> None:
    amelie = await signed_in(sessions, tmp_path / "fr", language="fr")
    try:
        base = f"/console/bulletins/editions/{await compose(amelie)}"
        garbled = await amelie.client.post(
            f"{base}/approve", data={"csrf_token": amelie.token, "when": "at", "send_at": "demain"}
        )
        page = await garbled.text()
        assert garbled.status == 422
        assert "Date et heure : veuillez indiquer une date et une heure" in page
        assert "give a date and a time" not in page
        past = await amelie.client.post(
            f"{base}/approve",
            data={"csrf_token": amelie.token, "when": "at", "send_at": "2020-01-01T09:00"},
        )
        page = await past.text()
        # the service's reason stays English, marked so, behind a French lead
        assert past.status == 422
        assert 'L’édition n’a pas été approuvée : <span lang="en">' in page
        assert "is in the past" in page
    finally:
        await amelie.client.close()
