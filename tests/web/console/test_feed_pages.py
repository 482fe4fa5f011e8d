"""The feeds page: sources with their health, add one, import an OPML file, disable, enable
and fetch now; bad input refused with the reason."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import FormData
from sqlalchemy import select

from storage.audit import AuditEvent
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.feeds import Source, SourceStatus
from tests.web.console.pages_world import PagesWorld, Staff, pages_world, signed_in

OPML = b"""<?xml version="1.0"?>
<opml version="2.0"><body>
  <outline text="Porto" xmlUrl="https://porto.example.pt/feed" language="pt" category="portugal"/>
  <outline text="Atlantis" xmlUrl="https://atlantis.example.org/feed" category="atlantis"/>
</body></opml>"""


@pytest.fixture
async def world(sessions: SessionFactory) -> PagesWorld:
    return await pages_world(sessions)


@pytest.fixture
async def ines(sessions: SessionFactory, tmp_path: Path) -> AsyncIterator[Staff]:
    staff = await signed_in(sessions, tmp_path / "outbox")
    yield staff
    await staff.client.close()


async def upload(staff: Staff, data: bytes) -> tuple[int, str]:
    form = FormData()
    form.add_field("csrf_token", staff.token)
    form.add_field("file", data, filename="feeds.opml", content_type="text/x-opml")
    response = await staff.client.post("/console/feeds/import", data=form)
    return response.status, await response.text()


async def test_sources_show_their_health(
    world: PagesWorld, ines: Staff, sessions: SessionFactory
) -> None:
    async with sessions() as session:
        lyon = await session.get_one(Source, world.sources["Lyon"])
        lyon.last_error, lyon.last_error_at, lyon.failures = "HTTP 503", utcnow(), 3
        barcelona = await session.get_one(Source, world.sources["Barcelona"])
        barcelona.last_success_at = utcnow() - timedelta(hours=1)
        await session.commit()
    page = await (await ines.client.get("/console/feeds")).text()
    assert "failing (3 attempts)" in page and "HTTP 503" in page
    assert "fine" in page and "not fetched yet" in page
    assert "<td>2</td>" in page  # items of a source


async def test_add_import_disable_enable_and_fetch_now(
    world: PagesWorld, ines: Staff, sessions: SessionFactory
) -> None:
    added = await ines.client.post(
        "/console/feeds",
        data={
            "csrf_token": ines.token,
            "url": "https://braga.example.pt/rss",
            "networks": "portugal",
        },
        allow_redirects=False,
    )
    assert added.status == 303
    status, page = await upload(ines, OPML)
    assert status == 200 and "1 added, 0 updated, 1 refused." in page
    assert "network: unknown atlantis" in page
    lyon = world.sources["Lyon"]
    for action, done in (("disable", "disabled"), ("enable", "enabled"), ("fetch", "fetch")):
        response = await ines.client.post(
            f"/console/feeds/{lyon}/{action}",
            data={"csrf_token": ines.token},
            allow_redirects=False,
        )
        assert response.status == 303 and response.headers["Location"].endswith(f"done={done}")
    async with sessions() as session:
        source = await session.get_one(Source, lyon)
        assert source.status is SourceStatus.active and source.next_fetch_at is not None
        urls = set((await session.scalars(select(Source.url))).all())
        actions = (await session.scalars(select(AuditEvent.action))).all()
    assert {"https://braga.example.pt/rss", "https://porto.example.pt/feed"} <= urls
    assert actions.count("feeds.source_added") == 2
    assert {"feeds.source_disabled", "feeds.source_enabled", "feeds.fetch_requested"} <= set(
        actions
    )


async def test_bad_input_is_refused_with_the_reason(world: PagesWorld, ines: Staff) -> None:
    disk = await ines.client.post(
        "/console/feeds", data={"csrf_token": ines.token, "url": "file:///etc/passwd"}
    )
    assert disk.status == 422 and "is not an http(s) URL" in await disk.text()
    status, page = await upload(ines, b"<rss><channel/></rss>")
    assert status == 422 and "expected &lt;opml&gt;" in page
    status, page = await upload(ines, b"<opml><body>")
    assert status == 422 and "not well-formed XML" in page
    status, page = await upload(
        ines, b'<!DOCTYPE x [<!ENTITY a "aaaa">]><opml><body>&a;</body></opml>'
    )
    assert status == 422 and "refused unsafe XML" in page
    assert (
        await ines.client.post("/console/feeds/999999/fetch", data={"csrf_token": ines.token})
    ).status == 404
    assert (
        await ines.client.post(
            f"/console/feeds/{world.sources['Lyon']}/explode", data={"csrf_token": ines.token}
        )
    ).status == 404
    await ines.client.post(
        f"/console/feeds/{world.sources['Lyon']}/disable", data={"csrf_token": ines.token}
    )
    disabled = await ines.client.post(
        f"/console/feeds/{world.sources['Lyon']}/fetch", data={"csrf_token": ines.token}
    )
    assert disabled.status == 409 and "enable it first" in await disabled.text()


async def test_a_french_editor_reads_the_opml_refusals_in_french(
    world: PagesWorld, sessions: SessionFactory, tmp_path: Path
) -> None:
    amelie = await signed_in(sessions, tmp_path / "outbox", language="fr")
    try:
        no_file = await amelie.client.post(
            "/console/feeds/import", data={"csrf_token": amelie.token}
        )
        page = await no_file.text()
        assert no_file.status == 422
        assert (
            '<p class="error" role="alert">Fichier : veuillez choisir un fichier OPML.</p>' in page
        )
        assert "choose an OPML file" not in page
        status, page = await upload(amelie, b"<opml><body>")
        # the parser's reason stays English, marked so, behind a French lead
        assert status == 422
        assert 'role="alert">Le fichier OPML n’a pas été lu : <span lang="en">' in page
    finally:
        await amelie.client.close()
