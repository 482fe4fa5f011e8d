"""The representatives and poll pages in a real browser (Playwright driving Debian's chromium;
skipped without it): a moderator approves a request and invites a representative, creates a
poll with the form and watches its results refresh by themselves under the content security
policy; axe-core finds no violation on each page (screenshots in var/screenshots/)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from aiohttp.test_utils import TestServer
from playwright.async_api import async_playwright
from sqlalchemy import select

from storage.base import utcnow
from storage.engine import SessionFactory
from storage.polls import Poll, PollVote
from storage.staff import StaffRole
from tests.web.console.browser_support import (
    BROWSER_TESTS,
    CHROMIUM,
    check_as_shown,
    signed_in_cookie,
)
from tests.web.console.helpers import console_app
from tests.web.console.people_world import bot_username, people_world
from web.console.sessions import SESSION_COOKIE

pytestmark = BROWSER_TESTS


async def test_a_moderator_decides_invites_and_runs_a_poll_in_the_browser(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    world = await people_world(sessions)
    token = await signed_in_cookie(sessions, StaffRole.moderator, "ines@aive.test", "Inés")
    server = TestServer(console_app(sessions, tmp_path / "outbox", bot_username=bot_username))
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    found: dict[str, list[str]] = {}
    csp_errors: list[str] = []
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"]
            )
            # the journey with the policy enforced: axe is injected in a second context
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            await context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
            page = await context.new_page()
            page.on(
                "console",
                lambda m: (
                    csp_errors.append(m.text) if "Content Security Policy" in m.text else None
                ),
            )
            await page.goto(f"{base}/console/representatives")
            await page.get_by_role("button", name="Approve Rui, Lisboa").click()
            await page.get_by_text("Request approved").wait_for()
            await page.get_by_role("link", name="Barcelona").first.click()
            await page.get_by_label("Their email address").fill("marta@barcelona.example")
            await page.get_by_label("Their language").select_option("ca")
            await page.get_by_role("button", name="Create the invitation").click()
            await page.get_by_text("Invitation created and emailed.").wait_for()
            assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1

            await page.goto(f"{base}/console/polls")
            await page.get_by_label("English").first.fill("Which theme for 2027?")
            await page.locator("#option_0_en").fill("Inclusion")
            await page.get_by_role("button", name="Create and send the poll").click()
            await page.get_by_text("The poll was not created").wait_for()
            assert await page.locator("#options-error").count() == 1
            await page.locator("#option_1_en").fill("Climate")
            soon = utcnow() + timedelta(days=2)
            await page.get_by_label("Closes at").fill(soon.strftime("%Y-%m-%dT%H:%M"))
            await page.get_by_role("button", name="Create and send the poll").click()
            await page.get_by_text("Poll created").wait_for()
            assert await page.evaluate("typeof htmx") == "object"
            async with sessions() as session:
                poll = (await session.scalars(select(Poll))).one()
                session.add(
                    PollVote(
                        poll_id=poll.id,
                        city_id=world.cities["Lisboa"],
                        language="en",
                        option_ids=["climate"],
                    )
                )
                await session.commit()
            # no reload: htmx fetches the results again within a few seconds
            await page.get_by_text("1 person answered").wait_for(timeout=15_000)
            await context.close()

            checked = await browser.new_context(
                viewport={"width": 1280, "height": 900}, bypass_csp=True
            )
            await checked.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
            page = await checked.new_page()
            pages = {
                "console-representatives": "/console/representatives",
                "console-representative-city": (
                    f"/console/representatives/cities/{world.cities['Barcelona']}"
                ),
                "console-polls": "/console/polls",
                "console-poll-results": f"/console/polls/{poll.id}",
            }
            for name, path in pages.items():
                response = await page.goto(base + path)
                assert response is not None and response.status == 200, path
                await check_as_shown(page, name, found)
            await page.goto(f"{base}/console/polls")
            await page.get_by_role("button", name="Create and send the poll").click()
            await page.get_by_text("The poll was not created").wait_for()
            await check_as_shown(page, "console-polls-errors", found)
            await page.set_viewport_size({"width": 375, "height": 800})
            await page.goto(f"{base}/console/representatives")
            await check_as_shown(page, "console-representatives-375", found)
            await checked.close()
            await browser.close()
    finally:
        await server.close()
    assert csp_errors == []
    assert {name: v for name, v in found.items() if v} == {}
