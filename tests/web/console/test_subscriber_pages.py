"""The subscriber pages as an editor uses them: search and filters, one person's page, the CSV
import with its report, the export, and GDPR (their data as JSON, erasure, a refused
re-import)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import FormData
from sqlalchemy import select

from storage.audit import AuditEvent
from storage.engine import SessionFactory
from storage.seed import load_seed
from storage.subscribers import Subscriber
from tests.web.console.pages_world import Staff, signed_in

CSV = (
    "email,name,language,networks\n"
    "joao@example.pt,João,pt,portugal\n"
    "marta@example.cat,Marta,ca,spain\n"
    "not-an-address,Bob,en,\n"
    'yuna@example.kr,=HYPERLINK("http://x"),en,nowhere\n'
)


@pytest.fixture
async def ines(sessions: SessionFactory, tmp_path: Path) -> AsyncIterator[Staff]:
    async with sessions() as session:
        await load_seed(session)
    staff = await signed_in(sessions, tmp_path / "outbox")
    yield staff
    await staff.client.close()


async def upload(staff: Staff, text: str, **fields: str) -> tuple[int, str]:
    form = FormData()
    form.add_field("csrf_token", staff.token)
    for key, value in fields.items():
        form.add_field(key, value)
    form.add_field("file", text.encode(), filename="members.csv", content_type="text/csv")
    response = await staff.client.post("/console/subscribers/import", data=form)
    return response.status, await response.text()


async def subscriber_id(sessions: SessionFactory, email: str) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Subscriber.id).where(Subscriber.email_key == email))
        assert found is not None
        return found


async def test_import_adds_good_rows_reports_bad_ones_and_emails_the_pending(
    ines: Staff, tmp_path: Path
) -> None:
    status, page = await upload(ines, CSV)
    assert status == 200
    assert "2 subscribers added" in page and "2 rows refused" in page
    assert "<td>4</td><td>not-an-address</td>" in page
    assert "networks: unknown nowhere" in page
    assert "2 confirmation emails sent" in page
    assert len(list((tmp_path / "outbox").glob("confirmation-*.eml"))) == 2
    status, page = await upload(ines, "name\nno email column\n")
    assert status == 200 and "no `email` column" in page
    status, page = await upload(ines, "email\nx@example.org\n", confirmed="yes")
    assert status == 422 and "a confirmed import needs where and when they agreed" in page
    form = FormData()
    form.add_field("csrf_token", ines.token)
    form.add_field("file", b"\xff\xfe\x00bad", filename="latin.csv")
    bad_bytes = await ines.client.post("/console/subscribers/import", data=form)
    assert bad_bytes.status == 422 and "not UTF-8" in await bad_bytes.text()


async def test_search_filters_and_one_persons_page(ines: Staff, sessions: SessionFactory) -> None:
    await upload(ines, CSV, confirmed="yes", consent_source="signed at the 2026 congress in Lisboa")
    found = await (await ines.client.get("/console/subscribers?q=JOÃO")).text()
    assert "joao@example.pt" in found and "marta@example.cat" not in found
    by_language = await (await ines.client.get("/console/subscribers?language=ca")).text()
    assert "marta@example.cat" in by_language and "joao@example.pt" not in by_language
    by_network = await (await ines.client.get("/console/subscribers?network=portugal")).text()
    assert "joao@example.pt" in by_network and "marta@example.cat" not in by_network
    nothing = await (await ines.client.get("/console/subscribers?status=bounced")).text()
    assert "No subscriber matches." in nothing
    odd = await ines.client.get("/console/subscribers?status=weird&language=xx&before=zz")
    assert odd.status == 200 and "joao@example.pt" in await odd.text()
    part = await ines.client.get("/console/subscribers?q=marta", headers={"HX-Request": "true"})
    assert (await part.text()).lstrip().startswith('<div id="results"')
    joao = await subscriber_id(sessions, "joao@example.pt")
    page = await (await ines.client.get(f"/console/subscribers/{joao}")).text()
    assert "signed at the 2026 congress in Lisboa" in page
    assert "subscribers.added" in page and "Português" in page
    assert (await ines.client.get("/console/subscribers/999999")).status == 404


async def test_csv_export_is_safe_to_open_in_a_spreadsheet(ines: Staff) -> None:
    await upload(ines, 'email,name\nyuna@example.kr,=HYPERLINK("http://x")\n')
    response = await ines.client.get("/console/subscribers/export.csv?q=yuna")
    body = await response.text()
    assert response.status == 200 and response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert 'yuna@example.kr,"\'=HYPERLINK(""http://x"")"' in body


async def test_a_persons_data_is_exported_then_erased_and_a_reimport_is_refused(
    ines: Staff, sessions: SessionFactory
) -> None:
    await upload(ines, CSV)
    joao = await subscriber_id(sessions, "joao@example.pt")
    exported = await ines.client.post(
        f"/console/subscribers/{joao}/export", data={"csrf_token": ines.token}
    )
    assert exported.status == 200
    assert f'filename="subscriber-{joao}.json"' in exported.headers["Content-Disposition"]
    document = json.loads(await exported.text())
    assert document["subscriber"]["email"] == "joao@example.pt"
    assert [h["action"] for h in document["history"]][-1] == "subscribers.added"
    unticked = await ines.client.post(
        f"/console/subscribers/{joao}/erase", data={"csrf_token": ines.token}
    )
    assert unticked.status == 422 and "tick the box" in await unticked.text()
    erased = await ines.client.post(
        f"/console/subscribers/{joao}/erase",
        data={"csrf_token": ines.token, "confirm": "yes"},
        allow_redirects=False,
    )
    assert erased.status == 303 and erased.headers["Location"].endswith("done=erased")
    assert (await ines.client.get(f"/console/subscribers/{joao}")).status == 404
    listing = await (await ines.client.get("/console/subscribers?done=erased")).text()
    assert "Only a hash of the address is kept" in listing
    status, page = await upload(ines, "email,name\nJOAO@example.pt,João\n")
    assert status == 200 and "0 subscribers added" in page
    assert "erased at the person&#39;s request on" in page
    async with sessions() as session:
        actions = (await session.scalars(select(AuditEvent.action))).all()
    assert "subscribers.exported" in actions and "subscribers.erased" in actions
    missing = await ines.client.post(
        "/console/subscribers/999999/erase", data={"csrf_token": ines.token, "confirm": "yes"}
    )
    assert missing.status == 404


async def test_a_spanish_editor_reads_the_import_refusals_in_spanish(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    lucia = await signed_in(sessions, tmp_path / "outbox", language="es")
    try:
        no_file = await lucia.client.post(
            "/console/subscribers/import", data={"csrf_token": lucia.token}
        )
        page = await no_file.text()
        assert no_file.status == 422
        assert '<p class="error" role="alert">Archivo: elija un archivo CSV, por favor.</p>' in page
        assert "choose a CSV file" not in page
        form = FormData()
        form.add_field("csrf_token", lucia.token)
        form.add_field("file", b"email\n\xff@x.es\n", filename="latin.csv")
        latin = await lucia.client.post("/console/subscribers/import", data=form)
        assert latin.status == 422
        assert "no es texto UTF-8 (byte 6); guarde el CSV en UTF-8" in await latin.text()
        status, page = await upload(lucia, "email\nx@example.es\n", confirmed="yes")
        assert status == 422 and "una importación confirmada necesita dónde y cuándo" in page
    finally:
        await lucia.client.close()
