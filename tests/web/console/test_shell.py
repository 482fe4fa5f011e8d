"""The console's frame: pages in the staff member's language, the menu their role allows, a
strict content security policy, htmx served by us, and CSRF refused without its token."""

from __future__ import annotations

from pathlib import Path

from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.web.console.helpers import add_member, console_client, csrf_token, sign_in_as

ROOT = Path(__file__).resolve().parents[3]


async def test_dashboard_speaks_the_staff_members_language_and_shows_their_menu(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    ines = await add_member(sessions, StaffRole.editor, "ines@aive.test", "Inés", language="es")
    async with console_client(sessions, tmp_path) as client:
        await sign_in_as(client, sessions, ines)
        response = await client.get("/console/")
        page = await response.text()
    assert response.status == 200
    assert '<html lang="es">' in page
    assert "Cerrar sesión" in page and "Panel" in page
    assert "/console/staff" not in page  # an editor does not manage staff
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]


async def test_owner_sees_the_staff_page_in_the_menu(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    owner = await add_member(sessions, StaffRole.owner, "owner@aive.test", "Olga")
    async with console_client(sessions, tmp_path) as client:
        await sign_in_as(client, sessions, owner)
        page = await (await client.get("/console/")).text()
    assert 'href="/console/staff"' in page and 'href="/console/audit"' in page


async def test_htmx_is_served_by_us_with_its_license(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    async with console_client(sessions, tmp_path) as client:
        script = await client.get("/console/static/htmx.min.js")
        body = await script.read()
        license_text = await (await client.get("/console/static/htmx.LICENSE.txt")).text()
        missing = await client.get("/console/static/../storage/staff.py")
    assert script.status == 200 and script.content_type == "text/javascript"
    assert body == (ROOT / "web/console/static/htmx.min.js").read_bytes()
    assert "Zero-Clause BSD" in license_text
    assert missing.status == 404


async def test_a_post_without_its_csrf_token_changes_nothing(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    member = await add_member(sessions, StaffRole.viewer, language="en")
    async with console_client(sessions, tmp_path) as client:
        await sign_in_as(client, sessions, member)
        token = await csrf_token(client, "/console/")
        refused = await client.post(
            "/console/language", data={"language": "fr", "csrf_token": "0" * 64}
        )
        refusal = await refused.text()
        still_english = await (await client.get("/console/")).text()
        accepted = await client.post(
            "/console/language", data={"language": "fr", "csrf_token": token}
        )
        french = await accepted.text()
    assert refused.status == 403 and "This form has expired" in refusal
    assert '<html lang="en">' in still_english
    assert '<html lang="fr">' in french and "Tableau de bord" in french


async def test_a_visitor_reads_the_sign_in_page_in_the_language_they_choose(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    async with console_client(sessions, tmp_path) as client:
        browser_language = await client.get(
            "/console/sign-in", headers={"Accept-Language": "pt-PT,pt;q=0.9"}
        )
        portuguese = await browser_language.text()
        chosen = await (await client.get("/console/sign-in?lang=ca")).text()
    assert '<html lang="pt">' in portuguese and "Iniciar sessão na consola AIVE" in portuguese
    assert '<html lang="ca">' in chosen and "Inici de sessió a la consola AIVE" in chosen
    assert 'href="/console/sign-in?lang=fr"' in chosen
    assert "&amp;lang=ca" in chosen  # the form answers in the language it was read in
