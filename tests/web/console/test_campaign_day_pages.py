"""The Day's own pages: the declaration editor (a new version per save, earlier ones kept, a
stale editor refused rather than overwriting), the kit (built, previewed, downloaded) and the
report with its charts."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from campaigns import declaration, service
from storage.audit import AuditEvent
from storage.engine import SessionFactory
from tests.fakes.telegram import FakeTelegram
from tests.web.console.campaign_world import YEAR, campaign_staff, campaign_world
from tests.web.console.pages_world import Staff

BASE = f"/console/campaign/{YEAR}"


@pytest.fixture
async def ines(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram
) -> AsyncIterator[Staff]:
    await campaign_world(sessions, fake_telegram)
    staff = await campaign_staff(sessions, tmp_path, language="en")
    yield staff
    await staff.client.close()


async def save(staff: Staff, text: str, version: str, lang: str = "es") -> tuple[int, str]:
    response = await staff.client.post(
        f"{BASE}/declaration",
        data={"csrf_token": staff.token, "lang": lang, "text": text, "version": version},
    )
    return response.status, await response.text()


async def versions(sessions: SessionFactory, lang: str = "es") -> list[tuple[int, str]]:
    async with sessions() as session:
        campaign = await service.get_campaign(session, YEAR)
        return [(v.number, v.text) for v in await declaration.versions(session, campaign, lang)]


async def test_each_save_is_a_new_version_and_the_earlier_ones_stay(
    ines: Staff, sessions: SessionFactory
) -> None:
    status, page = await save(ines, "Las ciudades educan.", "0")
    assert status == 200 and "saved as a new version" in page
    status, page = await save(ines, "Las ciudades educan y escuchan.", "1")
    assert await versions(sessions) == [
        (2, "Las ciudades educan y escuchan."),
        (1, "Las ciudades educan."),
    ]
    assert "Version 2" in page and "Version 1" in page and "(in use)" in page
    # the same text again is no new version
    status, page = await save(ines, "Las ciudades educan y escuchan.", "2")
    assert "Nothing to save" in page and len(await versions(sessions)) == 2
    # an earlier version taken up again
    taken = await (await ines.client.get(f"{BASE}/declaration?lang=es&from=1")).text()
    assert ">Las ciudades educan.</textarea>" in taken
    async with sessions() as session:
        campaign = await service.get_campaign(session, YEAR)
        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "campaign.declaration")
            )
        ).all()
    assert campaign.declaration == {"es": "Las ciudades educan y escuchan."}
    assert [(e.actor, e.details["version"]) for e in events] == [
        (f"staff:{ines.member.id}", 1),
        (f"staff:{ines.member.id}", 2),
    ]


async def test_a_save_from_an_older_version_is_refused_and_keeps_the_text(
    ines: Staff, sessions: SessionFactory
) -> None:
    await save(ines, "Primera.", "0")
    await save(ines, "Segunda, de otra persona.", "1")
    status, page = await save(ines, "Mi texto, empezado en la primera.", "1")
    assert status == 409
    assert "Someone saved version 2 while you were editing version 1" in page
    assert ">Mi texto, empezado en la primera.</textarea>" in page
    assert 'name="version" value="2"' in page  # saving again now is a deliberate choice
    assert (await versions(sessions))[0] == (2, "Segunda, de otra persona.")


async def test_a_text_set_before_versions_becomes_version_one(
    ines: Staff, sessions: SessionFactory
) -> None:
    async with sessions() as session:
        campaign = await service.get_campaign(session, YEAR)
        campaign.declaration = {"fr": "Texte d'avant."}
        await session.commit()
    page = await (await ines.client.get(f"{BASE}/declaration?lang=fr")).text()
    assert "before versions were kept" in page
    await save(ines, "Texte nouveau.", "1", lang="fr")
    assert await versions(sessions, "fr") == [(2, "Texte nouveau."), (1, "Texte d'avant.")]


@pytest.mark.parametrize(
    ("text", "error"),
    [("   ", "Text: please write the declaration."), ("x" * 10_001, "at most 10,000")],
)
async def test_an_empty_or_too_long_declaration_shows_the_fields_error(
    ines: Staff, sessions: SessionFactory, text: str, error: str
) -> None:
    status, page = await save(ines, text, "0")
    assert status == 422 and error in page and 'aria-invalid="true"' in page
    assert await versions(sessions) == []


async def test_an_unknown_language_is_404(ines: Staff) -> None:
    assert (await ines.client.get(f"{BASE}/declaration?lang=de")).status == 404
    status, _ = await save(ines, "Hallo.", "0", lang="de")
    assert status == 404


async def test_the_kit_is_built_previewed_and_downloaded(
    ines: Staff, sessions: SessionFactory, tmp_path: Path
) -> None:
    empty = await (await ines.client.get(f"{BASE}/kit")).text()
    assert "No kit built yet." in empty
    response = await ines.client.post(f"{BASE}/kit", data={"csrf_token": ines.token})
    page = await response.text()
    assert response.status == 200 and "passed its checks" in page, page[-2000:]
    assert (tmp_path / "kits" / str(YEAR) / "index.html").is_file()
    assert f'src="{BASE}/kit/files/index.en.html"' in page
    framed = await ines.client.get(f"{BASE}/kit/files/index.en.html")
    assert framed.status == 200 and "Cities that listen" in await framed.text()
    assert "sandbox" in framed.headers["Content-Security-Policy"]  # no script of its own
    assert (await ines.client.get(f"{BASE}/kit/files/../../secret")).status == 404
    download = await ines.client.get(f"{BASE}/kit.zip")
    assert download.status == 200
    assert "attachment" in download.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(await download.read())).namelist()
    assert any(n.endswith(".png") for n in names)
    async with sessions() as session:
        built = await session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.kit"))
    assert built is not None and built.actor == f"staff:{ines.member.id}"


async def test_no_kit_zip_before_it_is_built(ines: Staff) -> None:
    assert (await ines.client.get(f"{BASE}/kit.zip")).status == 404


async def test_the_report_has_its_charts_inline_and_to_download(ines: Staff) -> None:
    page = await (await ines.client.get(f"{BASE}/report")).text()
    assert "0 cities take part" in page
    assert page.count("<svg") >= 1 and 'id="by-country-title"' in page
    chart = await ines.client.get(f"{BASE}/report.png")
    assert chart.status == 200 and (await chart.read()).startswith(b"\x89PNG")
    figures = await (await ines.client.get(f"{BASE}/report.json")).json()
    assert figures["year"] == YEAR
