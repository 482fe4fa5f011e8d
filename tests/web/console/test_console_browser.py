"""The console in a real browser (Playwright driving Debian's chromium; skipped without it):
an owner signs in with the link from the outbox, htmx runs under the strict content security
policy, she invites an editor, who signs in with his own link and cannot open the staff page;
axe-core finds no violation on any console page, at 375 and 1280 px (screenshots in
var/screenshots/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, async_playwright

from storage.audit import record
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.web.console.browser_support import BROWSER_TESTS, CHROMIUM, check_page
from tests.web.console.helpers import add_member, console_app, links_in_outbox
from tests.web.console.test_dashboard import fill

pytestmark = BROWSER_TESTS


async def sign_in_from_outbox(page: Page, base: str, email: str, outbox: Path) -> None:
    await page.goto(f"{base}/console/")
    assert "/console/sign-in" in page.url
    await page.get_by_label("Your email address").fill(email)
    await page.get_by_role("button", name="Email me a sign-in link").click()
    await page.get_by_role("heading", name="Check your email").wait_for()
    link = links_in_outbox(outbox)[-1]
    await page.goto(base + link)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("heading", name="What needs you now").wait_for()


async def test_owner_signs_in_invites_an_editor_and_every_page_passes_axe(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await fill(sessions)
    await add_member(sessions, StaffRole.owner, "olga@aive.test", "Olga")
    async with sessions() as session:
        record(
            session, "cli:ana", "bulletin.approve", "edition:1", before="draft", after="approved"
        )
        await session.commit()
    outbox = tmp_path / "outbox"
    server = TestServer(console_app(sessions, outbox))
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    found: dict[str, list[str]] = {}
    csp_errors: list[str] = []
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"]
            )
            # the journey with the policy enforced: no script or style is refused
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            page.on(
                "console",
                lambda m: (
                    csp_errors.append(m.text) if "Content Security Policy" in m.text else None
                ),
            )
            await sign_in_from_outbox(page, base, "olga@aive.test", outbox)
            assert await page.evaluate("typeof htmx") == "object"
            await page.goto(f"{base}/console/staff")
            await page.get_by_label("Email", exact=True).fill("pau@aive.test")
            await page.get_by_label("Name", exact=True).fill("Pau")
            await page.get_by_role("button", name="Invite and email a sign-in link").click()
            await page.get_by_text("pau@aive.test is invited").wait_for()
            await page.goto(f"{base}/console/audit")
            await page.get_by_label("Object").fill("edition:1")
            await page.get_by_role("button", name="Filter").click()
            await page.wait_for_url("**/console/audit?*subject=edition*")
            assert await page.get_by_text("draft → approved").count() == 1
            owner_state = await context.storage_state()
            await context.close()

            editor = await browser.new_context(
                viewport={"width": 1280, "height": 900}, bypass_csp=True
            )
            editor_page = await editor.new_page()
            await sign_in_from_outbox(editor_page, base, "pau@aive.test", outbox)
            refused = await editor_page.goto(f"{base}/console/staff")
            assert refused is not None and refused.status == 403
            assert await editor_page.get_by_text("Your role does not allow this").count() == 1
            await check_page(editor_page, "forbidden", found, widths=(375, 1280))
            await editor.close()

            pages = {
                "dashboard": "/console/",
                "staff": "/console/staff",
                "audit": "/console/audit",
                "account": "/console/account",
            }
            for width in (375, 1280):
                found |= await audit_pages(browser, base, width, owner_state, pages)
                found |= await anonymous_pages(browser, base, width)
            await browser.close()
    finally:
        await server.close()
    assert csp_errors == []
    assert {name: v for name, v in found.items() if v} == {}


async def audit_pages(
    browser: Browser, base: str, width: int, state: Any, pages: dict[str, str]
) -> dict[str, list[str]]:
    """axe on the signed-in pages (the test injects axe: the policy would refuse it)."""
    context = await browser.new_context(
        viewport={"width": width, "height": 900}, bypass_csp=True, storage_state=state
    )
    page = await context.new_page()
    found: dict[str, list[str]] = {}
    for name, path in pages.items():
        response = await page.goto(base + path)
        assert response is not None and response.status == 200, path
        await check_page(page, name, found, widths=(width,))
    await context.close()
    return found


async def anonymous_pages(browser: Browser, base: str, width: int) -> dict[str, list[str]]:
    context = await browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = await context.new_page()
    found: dict[str, list[str]] = {}
    for name, path in {
        "sign-in": "/console/sign-in?lang=es",
        "link-used": "/console/sign-in/link/not-a-token",
        "not-found": "/console/nowhere",
    }.items():
        await page.goto(base + path)
        await check_page(page, name, found, widths=(width,))
    await context.close()
    return found
