"""The café pages in a real browser (Playwright driving Debian's chromium; skipped without it):
a moderator opens the month calendar, the café, moves it with the reschedule form, and its
registered and waiting people get the new .ics over the fake Bot API; the form's errors, the
report and the certificates; axe-core finds no violation on any of these pages (screenshots in
var/screenshots/console-cafes-*.png)."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
from aiogram import Bot
from aiohttp.test_utils import TestServer
from playwright.async_api import async_playwright

from engagement.cafes import service
from engagement.cafes.schema import load_cafe
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.bot.cafe_support import cafe_yaml
from tests.fakes.telegram import FakeTelegram
from tests.web.console.browser_support import (
    BROWSER_TESTS,
    CHROMIUM,
    check_as_shown,
    signed_in_cookie,
)
from tests.web.console.cafes_world import cafe_world, check_in, days, drain_outbox
from tests.web.console.helpers import console_app
from web.console.sessions import SESSION_COOKIE

MADRID = ZoneInfo("Europe/Madrid")
CAFES = "console-cafes-{name}.png"

pytestmark = BROWSER_TESTS


async def past_cafe(sessions: SessionFactory, chloe: int) -> int:
    """A café held yesterday that Chloé attended (its page offers her certificate)."""
    start = utcnow().replace(second=0, microsecond=0) - days(1)
    async with sessions() as session:
        yaml = cafe_yaml(start).replace("school-streets", "playgrounds")
        yaml = yaml.replace('en: "School streets"', 'en: "Playgrounds"')
        definition = load_cafe(yaml, Path("."), None)
        done = await service.schedule(session, definition, actor="test", now=start - days(3))
        await service.join(session, done.cafe.id, chloe, now=start - days(2))
    await check_in(sessions, done.cafe.id, chloe, start)
    return done.cafe.id


async def test_a_cafe_moved_in_the_console_reaches_its_people_with_the_new_calendar_file(
    sessions: SessionFactory, fake_telegram: FakeTelegram, telegram_bot: Bot, tmp_path: Path
) -> None:
    users = {
        name: fake_telegram.make_user(name, language_code=lang).id
        for name, lang in (("Ana", "es"), ("Chloé", "fr"), ("Marta", "ca"))
    }
    start = utcnow().replace(second=0, microsecond=0) + days(3)
    world = await cafe_world(sessions, start, utcnow(), telegram_ids=users)
    held = await past_cafe(sessions, world.people["Chloé"])
    token = await signed_in_cookie(sessions, StaffRole.moderator, "ines@aive.test", "Inés")
    server = TestServer(console_app(sessions, tmp_path / "outbox"))
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    found: dict[str, list[str]] = {}
    new_start = (start + days(1)).astimezone(MADRID).replace(hour=18, minute=30)
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

            month = f"{start.astimezone(MADRID):%Y-%m}"
            await page.goto(f"{base}/console/cafes?month={month}")
            await page.get_by_role("table").first.wait_for()
            await check_as_shown(page, "calendar", found, screenshot=CAFES)
            await page.get_by_role("link", name="School streets").first.click()
            await page.get_by_role("heading", name="School streets").wait_for()
            await check_as_shown(page, "cafe", found, screenshot=CAFES)

            await page.get_by_label("New start").fill(f"{new_start:%Y-%m-%dT%H:%M}")
            await page.get_by_role("button", name="Move the café").click()
            await page.get_by_text("Café rescheduled").wait_for()

            await page.goto(f"{base}/console/cafes/new")
            await page.get_by_label("Short name (in links and files)").fill("late-night")
            await page.get_by_label("Starts").fill("2030-05-01T20:00")
            await page.get_by_label("Ends").fill("2030-05-01T19:00")
            await page.get_by_role("button", name="Schedule the café").click()
            await page.get_by_text("The end must be after the start.").wait_for()
            await check_as_shown(page, "form-errors", found, screenshot=CAFES)

            await page.goto(f"{base}/console/cafes/{world.cafe_id}/report")
            await check_as_shown(page, "report", found, screenshot=CAFES)
            await page.goto(f"{base}/console/cafes/{held}")
            await page.get_by_role("heading", name="Certificates of attendance").wait_for()
            await check_as_shown(page, "certificates", found, screenshot=CAFES)
            await page.set_viewport_size({"width": 375, "height": 800})
            await page.goto(f"{base}/console/cafes?month={month}")
            await check_as_shown(page, "calendar-375", found, screenshot=CAFES)
            await browser.close()
    finally:
        await server.close()
    assert {name: v for name, v in found.items() if v} == {}

    assert await drain_outbox(sessions, telegram_bot) == 3
    for name in ("Ana", "Chloé", "Marta"):
        document = fake_telegram.sent_documents(users[name])[-1]
        assert document.file is not None and document.file.data is not None
        event = icalendar.Calendar.from_ical(document.file.data).walk("VEVENT")[0]
        assert event.decoded("dtstart") == new_start.astimezone(UTC)
