"""Inés runs the International Day campaign in a real browser (JOURNEYS.md): the timeline, the
D-10 step's dry run (nothing sent), its launch, and the broadcast's progress moving by itself
while the worker sends it through the fake Bot API; then the declaration, the kit and the
report. axe-core finds no violation on any page; screenshots land in var/screenshots/.

Playwright drives Debian's chromium (`make browser`); skipped without it.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from aiogram import Bot
from aiohttp.test_utils import TestServer
from playwright.async_api import async_playwright, expect
from sqlalchemy import func, select

from storage.broadcasts import Broadcast
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.campaigns.support import drain_chat
from tests.fakes.telegram import FakeTelegram
from tests.web.console.browser_support import (
    BROWSER_TESTS,
    CHROMIUM,
    check_page,
    signed_in_cookie,
)
from tests.web.console.campaign_world import YEAR, campaign_config, campaign_world
from tests.web.console.helpers import console_app
from web.console.campaign import CAMPAIGN_CONFIG
from web.console.sessions import SESSION_COOKIE

pytestmark = BROWSER_TESTS
# axe at 375 px, then 1280 px; one screenshot, var/screenshots/<name>.png, at 1280 px
check = partial(check_page, widths=(375, 1280), screenshot="{name}.png")


async def test_ines_dry_runs_d10_launches_it_and_watches_the_broadcast(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    world = await campaign_world(sessions, fake_telegram)
    token = await signed_in_cookie(
        sessions, StaffRole.editor, "ines@aive.test", "Inés", language="es"
    )
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
