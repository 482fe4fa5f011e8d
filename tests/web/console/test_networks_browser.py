"""The networks and cities pages in a real browser (Playwright driving Debian's chromium; skipped
without it): a network with no activity ranks first, the period form works without JavaScript,
and axe-core finds no violation on the networks page and a city's page (screenshots
var/screenshots/console-networks.png and console-city.png)."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestServer
from playwright.async_api import async_playwright

from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.web.console.activity_world import activity_world
from tests.web.console.browser_support import (
    BROWSER_TESTS,
    CHROMIUM,
    axe_violations,
    check_as_shown,
    signed_in_cookie,
)
from tests.web.console.helpers import console_app
from web.console.sessions import SESSION_COOKIE

pytestmark = BROWSER_TESTS


async def test_a_viewer_sees_the_network_with_no_activity_first_and_opens_a_city(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    world = await activity_world(sessions)
    token = await signed_in_cookie(sessions, StaffRole.viewer, "vera@aive.test", "Vera")
    server = TestServer(console_app(sessions, tmp_path / "outbox"))
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
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
            await check_as_shown(page, "networks", found, screenshot="console-{name}.png")

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
            await check_as_shown(page, "city", found, screenshot="console-{name}.png")
            await page.set_viewport_size({"width": 375, "height": 800})
            found["city at 375px"] = await axe_violations(page)
            await page.goto(f"{base}/console/cities?preset=quarter")
            found["cities"] = await axe_violations(page)
            await browser.close()
    finally:
        await server.close()
    assert {name: v for name, v in found.items() if v} == {}
