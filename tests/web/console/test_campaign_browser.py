"""Inés runs the International Day campaign in a real browser (JOURNEYS.md): the timeline, the
D-10 step's dry run (nothing sent), its launch, and the broadcast's progress moving by itself
while the worker sends it through the fake Bot API; then the declaration, the kit and the
report. axe-core finds no violation on any page; screenshots land in var/screenshots/.

Playwright drives Debian's chromium (`make browser`); skipped without it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram import Bot
from aiohttp.test_utils import TestServer
from playwright.async_api import Page, async_playwright, expect
from sqlalchemy import func, select

from storage import staff_queries
from storage.base import utcnow
from storage.broadcasts import Broadcast
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.campaigns.support import drain_chat
from tests.fakes.telegram import FakeTelegram
from tests.newsletter.browser import find_chromium
from tests.web.console.campaign_world import YEAR, campaign_config, campaign_world
from tests.web.console.helpers import add_member, console_app
from web.console.campaign import CAMPAIGN_CONFIG
from web.console.magic_links import digest
from web.console.sessions import SESSION_COOKIE

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = find_chromium()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not installed (make browser, or apt-get install chromium)",
    ),
]


async def violations(page: Page) -> list[str]:
    await page.add_script_tag(path=str(AXE))
    found = await page.evaluate(
        "async () => (await axe.run()).violations"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target).join(' '))"
    )
    return [str(v) for v in found]


async def check(page: Page, name: str, found: dict[str, list[str]]) -> None:
    """axe at 1280 and 375 px; the screenshot at 1280 px."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (375, 1280):
        await page.set_viewport_size({"width": width, "height": 900})
        found[f"{name} at {width}px"] = await violations(page)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def session_token(sessions: SessionFactory) -> str:
    """Inés, an editor reading Spanish, signed in: her session cookie's value."""
    ines = await add_member(sessions, StaffRole.editor, "ines@aive.test", "Inés", language="es")
    token = secrets.token_urlsafe(32)
    async with sessions() as session:
        await staff_queries.create_session(
            session,
            staff_id=ines.id,
            token_hash=digest(token),
            now=utcnow(),
            lifetime=timedelta(hours=12),
            ip=None,
            user_agent=None,
        )
        await session.commit()
    return token


async def test_ines_dry_runs_d10_launches_it_and_watches_the_broadcast(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    world = await campaign_world(sessions, fake_telegram)
    token = await session_token(sessions)
    app = console_app(sessions, tmp_path / "outbox")
    app[CAMPAIGN_CONFIG] = campaign_config(tmp_path)
    server = TestServer(app)
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    found: dict[str, list[str]] = {}
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"]
            )
            context = await browser.new_context(
                viewport={"width": 1280, "height": 900}, bypass_csp=True, locale="es-ES"
            )
            await context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
            page = await context.new_page()
            # the timeline, from the menu
            await page.goto(f"{base}/console/")
            await page.click("nav a[href='/console/campaign']")
            await page.click(f"a[href='/console/campaign/{YEAR}']")
            await expect(page.locator("#step-d-10")).to_contain_text("representantes")
            await expect(page.locator("#step-d-10")).to_contain_text("prevista")
            await check(page, "console-campaign", found)
            # the D-10 dry run: who would get what; nothing is sent
            await page.click(f"a[href='/console/campaign/{YEAR}/steps/d-10']")
            dry = page.locator("#dry-run")
            await expect(dry).to_contain_text("No se envía nada.")
            await expect(dry).to_contain_text("Marta (ca)")
            await expect(dry).to_contain_text("nuria@bcn.example (ca)")
            async with sessions() as session:
                assert await session.scalar(select(func.count()).select_from(Broadcast)) == 0
            assert fake_telegram.calls_to("sendMessage") == []
            await check(page, "console-campaign-step", found)
            # launched
            await page.get_by_role("button", name="Lanzar D-10 ahora").click()
            await expect(page.locator(".notice")).to_contain_text("Paso lanzado")
            # the broadcast: nothing sent yet; the worker sends while the page polls
            await page.get_by_role("link", name="difusión 1").first.click()
            progress = page.locator("#progress")
            await expect(progress).to_contain_text("0 de 4 mensajes tratados")
            await page.evaluate("window.stillTheSamePage = true")
            assert await drain_chat(sessions, telegram_bot) == 4
            await expect(progress).to_contain_text("4 de 4 mensajes tratados", timeout=10_000)
            await expect(page.locator("#broadcast-status")).to_have_text("terminada")
            assert await page.evaluate("window.stillTheSamePage") is True  # htmx, no reload
            await check(page, "console-broadcast", found)
            await page.click("a[href='/console/broadcasts']")
            await expect(page.locator("table")).to_contain_text("4 de 4")
            await check(page, "console-broadcasts", found)
            # the declaration, the kit and the report
            await page.goto(f"{base}/console/campaign/{YEAR}/declaration?lang=es")
            await page.fill("#text", "Las ciudades educadoras escuchan a su gente.")
            await page.get_by_role("button", name="Guardar como nueva versión").click()
            await expect(page.locator(".notice")).to_contain_text("nueva versión")
            await check(page, "console-campaign-declaration", found)
            await page.goto(f"{base}/console/campaign/{YEAR}/kit")
            await page.get_by_role("button", name="Generar el kit").click()
            await expect(page.locator(".notice")).to_contain_text("Kit generado y publicado")
            frame = page.frame_locator("iframe.kit-preview")
            await expect(frame.locator("body")).to_contain_text("Cities that listen")
            await check(page, "console-campaign-kit", found)
            await page.goto(f"{base}/console/campaign/{YEAR}/report")
            await expect(page.locator("#chat-reach-desc")).to_contain_text("mensajes enviados: 4")
            await check(page, "console-campaign-report", found)
            await context.close()
            await browser.close()
    finally:
        await server.close()
    # each representative got D-10 in the chat; Ana, who represents no city, did not
    for name in ("marta", "jordi", "joao", "claire"):
        assert len(fake_telegram.sent_messages(world.users[name].id)) == 1, name
    assert fake_telegram.sent_messages(world.users["ana"].id) == []
    assert {name: v for name, v in found.items() if v} == {}
