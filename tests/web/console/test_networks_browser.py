"""The networks and cities pages in a real browser (Playwright driving Debian's chromium; skipped
without it): a network with no activity ranks first, the period form works without JavaScript,
and axe-core finds no violation on the networks page and a city's page (screenshots
var/screenshots/console-networks.png and console-city.png)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import async_playwright

from storage import staff_queries
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.newsletter.browser import find_chromium
from tests.web.console.activity_world import activity_world
from tests.web.console.helpers import add_member, console_app
from tests.web.console.test_console_browser import SCREENSHOTS, violations
from web.console.magic_links import digest
from web.console.sessions import SESSION_COOKIE

CHROMIUM = find_chromium()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not installed (make browser, or apt-get install chromium)",
    ),
]


async def session_token(sessions: SessionFactory) -> str:
    member = await add_member(sessions, StaffRole.viewer, "vera@aive.test", "Vera")
    token = secrets.token_urlsafe(32)
    async with sessions() as session:
        await staff_queries.create_session(
            session,
            staff_id=member.id,
            token_hash=digest(token),
            now=utcnow(),
            lifetime=timedelta(hours=1),
            ip=None,
            user_agent=None,
        )
        await session.commit()
    return token


async def test_a_viewer_sees_the_network_with_no_activity_first_and_opens_a_city(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    world = await activity_world(sessions)
    token = await session_token(sessions)
    server = TestServer(console_app(sessions, tmp_path / "outbox"))
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[str]] = {}
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"]
            )
            context = await browser.new_context(
                viewport={"width": 1280, "height": 900}, bypass_csp=True
            )
            await context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
            page = await context.new_page()
            await page.goto(f"{base}/console/")
            await page.get_by_role("link", name="Networks").click()
            await page.get_by_role("heading", name="Networks", level=1).wait_for()
            first = page.locator("table tbody tr").first
            assert "no activity" in await first.inner_text()
            ranked = await page.locator("table tbody th[scope=row] a").all_inner_texts()
            spain = ranked.index("Spanish Network of Educating Cities")
            assert ranked.index("Brazilian Network of Educating Cities") < spain
            found["networks"] = await violations(page)
            await page.screenshot(path=str(SCREENSHOTS / "console-networks.png"), full_page=True)

            # the period form: a wrong date is said next to its field, in a plain GET
            await page.get_by_label("From").fill("2026-06-01")
            await page.get_by_label("To").fill("2026-05-01")
            await page.get_by_role("button", name="Show").click()
            await page.get_by_text("The end date comes before the start date.").wait_for()
            await page.get_by_role("link", name="Last quarter").click()
            await page.wait_for_url("**/console/networks?preset=quarter")

            await page.get_by_role("link", name="See every city").click()
            await page.get_by_role("link", name="Barcelona").click()
            await page.wait_for_url(f"**/console/cities/{world.cities['Barcelona']}")
            await page.get_by_role("heading", name="History").wait_for()
            assert await page.locator("ol.timeline li").count() == 10
            found["city"] = await violations(page)
            await page.screenshot(path=str(SCREENSHOTS / "console-city.png"), full_page=True)
            await page.set_viewport_size({"width": 375, "height": 800})
            found["city at 375px"] = await violations(page)
            await page.goto(f"{base}/console/cities?preset=quarter")
            found["cities"] = await violations(page)
            await browser.close()
    finally:
        await server.close()
    assert {name: v for name, v in found.items() if v} == {}
