"""A branching consultation answered in a real browser (Playwright, Debian's chromium), with
JavaScript on (the branch appears at once, under the pages' CSP) and off (it appears after
saving); axe-core finds no violation on the form, the review and the thanks, at 375 px."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

from storage.engine import SessionFactory
from tests.bot.consultation_support import add_city
from tests.web.answer_support import link, web_client
from tests.web.console.browser_support import (
    BROWSER_TESTS,
    CHROMIUM,
    axe_violations,
    save_screenshot,
)
from tests.web.test_consultation_answers import SINGLE, open_consultation, representative

pytestmark = BROWSER_TESTS


async def answer(page: Page, javascript: bool) -> None:
    why = page.locator("#q-why")
    assert await why.is_hidden()
    await page.get_by_label("Inclusion", exact=True).check()
    if javascript:
        assert await why.is_visible()  # live, before any save
        await page.get_by_label("Why inclusion? (optional)").fill("For every child")
    else:
        assert await why.is_hidden()
    await page.get_by_label("Schools", exact=True).check()
    await page.get_by_label("4", exact=True).check()
    await page.get_by_label("Budget (k€)?").fill("12")
    await page.get_by_role("button", name="Save and continue").click()
    if not javascript:  # the server shows the branch once the choice is saved
        assert await page.locator("#q-why").is_visible()
        await page.get_by_label("Why inclusion? (optional)").fill("For every child")
        await page.get_by_role("button", name="Save and continue").click()
    await page.get_by_role("heading", name="Please check your answers").wait_for()
    assert "For every child" in await page.inner_text("main")


async def audit(browser: Browser, url: str, name: str) -> list[str]:
    context = await browser.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)
    page = await context.new_page()
    await page.goto(url)
    found = await axe_violations(page)
    await save_screenshot(page, f"answers-{name}-375.png")
    width = await page.evaluate("document.documentElement.scrollWidth")
    await context.close()
    return found + ([f"wider than 375 px: {width}"] if width > 375 else [])


async def test_a_branching_consultation_answered_with_javascript_on_and_off(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    cid = await open_consultation(sessions, SINGLE)
    cities = [await add_city(sessions, name, "ES") for name in ("Girona", "Lleida")]
    people = [await representative(sessions, city, "en") for city in cities]
    found: dict[str, list[str]] = {}
    async with web_client(sessions, tmp_path / "outbox") as client:
        urls = [
            str(client.make_url(link("declaration", cid, p, c)))
            for p, c in zip(people, cities, strict=True)
        ]
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"]
            )
            found["form"] = await audit(browser, urls[0], "form")
            for url, javascript in zip(urls, (True, False), strict=True):
                context = await browser.new_context(
                    viewport={"width": 375, "height": 800}, java_script_enabled=javascript
                )
                page = await context.new_page()
                await page.goto(url)
                await answer(page, javascript)
                await context.close()
            found["review"] = await audit(browser, urls[0], "review")
            context = await browser.new_context(java_script_enabled=False)
            page = await context.new_page()
            await page.goto(urls[1])
            await page.get_by_role("button", name="Submit the answers").click()
            assert "The answers of Lleida are submitted." in await page.inner_text("main")
            await context.close()
            found["thanks"] = await audit(browser, urls[1], "thanks")
            await browser.close()
    assert {name: v for name, v in found.items() if v} == {}
