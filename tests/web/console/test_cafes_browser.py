"""The café pages in a real browser (Playwright driving Debian's chromium; skipped without it):
a moderator opens the month calendar, the café, moves it with the reschedule form, and its
registered and waiting people get the new .ics over the fake Bot API; the form's errors, the
report and the certificates; axe-core finds no violation on any of these pages (screenshots in
var/screenshots/console-cafes-*.png)."""

from __future__ import annotations

import secrets
from datetime import UTC, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from aiogram import Bot
from aiohttp.test_utils import TestServer
from playwright.async_api import Page, async_playwright

from engagement.cafes import service
from engagement.cafes.schema import load_cafe
from storage import staff_queries
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.bot.cafe_support import cafe_yaml
from tests.fakes.telegram import FakeTelegram
from tests.newsletter.browser import find_chromium
from tests.web.console.cafes_world import cafe_world, check_in, days, drain_outbox
from tests.web.console.helpers import add_member, console_app
from web.console.magic_links import digest
from web.console.sessions import SESSION_COOKIE

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = find_chromium()
MADRID = ZoneInfo("Europe/Madrid")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make browser)"),
]


async def violations(page: Page) -> list[str]:
    await page.add_script_tag(path=str(AXE))
    found = await page.evaluate(
        "async () => (await axe.run()).violations"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target).join(' '))"
    )
    return [str(v) for v in found]


async def check(page: Page, name: str, found: dict[str, list[str]]) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"console-cafes-{name}.png"), full_page=True)
    found[name] = await violations(page)


async def session_token(sessions: SessionFactory) -> str:
    """A live console session for a moderator (what the sign-in link would give)."""
    member = await add_member(sessions, StaffRole.moderator, "ines@aive.test", "Inés")
    token = secrets.token_urlsafe(32)
    async with sessions() as session:
        await staff_queries.create_session(
            session,
            staff_id=member.id,
            token_hash=digest(token),
            now=utcnow(),
            lifetime=timedelta(hours=2),
            ip=None,
            user_agent=None,
        )
        await session.commit()
    return token


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
    token = await session_token(sessions)
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
            await check(page, "calendar", found)
            await page.get_by_role("link", name="School streets").first.click()
            await page.get_by_role("heading", name="School streets").wait_for()
            await check(page, "cafe", found)

            await page.get_by_label("New start").fill(f"{new_start:%Y-%m-%dT%H:%M}")
            await page.get_by_role("button", name="Move the café").click()
            await page.get_by_text("Café rescheduled").wait_for()

            await page.goto(f"{base}/console/cafes/new")
            await page.get_by_label("Short name (in links and files)").fill("late-night")
            await page.get_by_label("Starts").fill("2030-05-01T20:00")
            await page.get_by_label("Ends").fill("2030-05-01T19:00")
            await page.get_by_role("button", name="Schedule the café").click()
            await page.get_by_text("The end must be after the start.").wait_for()
            await check(page, "form-errors", found)

            await page.goto(f"{base}/console/cafes/{world.cafe_id}/report")
            await check(page, "report", found)
            await page.goto(f"{base}/console/cafes/{held}")
            await page.get_by_role("heading", name="Certificates of attendance").wait_for()
            await check(page, "certificates", found)
            await page.set_viewport_size({"width": 375, "height": 800})
            await page.goto(f"{base}/console/cafes?month={month}")
            await check(page, "calendar-375", found)
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
