"""Inés runs a consultation from the console in a real browser (Playwright, Debian's chromium):
she writes it in the editor (a broken line is reported with its path as she types; the preview
shows the first questions as the bot does, in Catalan), creates and opens it, watches the
results move by themselves while representatives answer in the bot (the real dispatcher over
the fake Bot API), reminds the cities that have not answered (the reminder reaches them over
the fake, in their language), closes it and downloads the XLSX. axe-core finds no violation on
each page; screenshots in var/screenshots/console-consultation-*.png."""

from __future__ import annotations

import io
from pathlib import Path

from aiohttp.test_utils import TestServer
from openpyxl import load_workbook
from playwright.async_api import async_playwright, expect

from engagement.consultations.invitations import REMINDER
from engagement.consultations.messages import translate
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.bot.conftest import HarnessFactory, make_harness  # noqa: F401
from tests.bot.consultation_support import (
    add_city,
    add_representative,
    declaration_yaml,
    drain_outbox,
    press_label,
)
from tests.web.console.browser_support import (
    BROWSER_TESTS,
    CHROMIUM,
    check_page,
    signed_in_cookie,
)
from tests.web.console.helpers import console_app
from web.console.sessions import SESSION_COOKIE

pytestmark = BROWSER_TESTS
CONSULTATION = "console-consultation-{name}-{width}.png"


async def test_ines_runs_a_consultation_while_cities_answer_in_the_bot(
    make_harness: HarnessFactory,  # noqa: F811
    sessions: SessionFactory,
    tmp_path: Path,
) -> None:
    harness = make_harness()
    fake = harness.fake
    people = {
        "Barcelona": ("ES", "spain", fake.make_user("Marta", language_code="ca"), "ca"),
        "Lisboa": ("PT", "portugal", fake.make_user("João", language_code="pt"), "pt"),
        "Lyon": ("FR", "francophone", fake.make_user("Claire", language_code="fr"), "fr"),
        "Rosario": ("AR", "latin-america", fake.make_user("Lucía", language_code="es"), "es"),
    }
    for city, (country, network, user, language) in people.items():
        city_id = await add_city(sessions, city, country, network)
        await add_representative(sessions, user, city_id, language)
    marta, joao, claire, lucia = (p[2] for p in people.values())
    token = await signed_in_cookie(sessions, StaffRole.moderator, "ines@aive.test", "Inés", "es")
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
                viewport={"width": 1280, "height": 900},
                bypass_csp=True,
                locale="es-ES",
                accept_downloads=True,
            )
            await context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
            page = await context.new_page()
            await page.goto(f"{base}/console/")
            await page.click("nav a[href='/console/consultations']")
            await expect(page.locator("h1")).to_have_text("Consultas")
            # a broken question is reported with its path as she types
            broken = declaration_yaml().replace("    options:\n", "    choices:\n", 1)
            await page.fill("#yaml", broken)
            problem = "questions[0].choices: campo desconocido"  # in her language
            await expect(page.locator("#check")).to_contain_text(problem)
            await check_page(page, "editor-problems", found, screenshot=CONSULTATION)
            # fixed, then previewed in Catalan
            await page.fill("#yaml", declaration_yaml())
            await expect(page.locator("#check")).to_contain_text("No se ha encontrado")
            await page.select_option("#preview-lang", "ca")
            preview = page.locator("#check .bot-message").first
            await expect(preview).to_contain_text("Prioritat principal?")
            await expect(preview.locator(".bot-key").first).to_have_text("Inclusió")
            await check_page(page, "editor-preview", found, screenshot=CONSULTATION)
            await page.get_by_role("button", name="Crear el borrador").click()
            await expect(page.locator(".notice")).to_contain_text("Consulta creada")
            await check_page(page, "draft", found, screenshot=CONSULTATION)
            # open: the four cities are invited in the bot
            await page.get_by_role("button", name="Abrir e invitar").click()
            await expect(page.locator(".notice")).to_contain_text("4 invitaciones")
            assert await drain_outbox(harness) == 4
            # Marta and João answer in the bot; the page follows by itself
            await press_label(harness, marta, "Respondre")
            for label in ("Inclusió", "Escoles", "Fet", "4"):
                await press_label(harness, marta, label)
            await harness.say(marta, "Escoles obertes")
            await harness.say(marta, "120")
            await press_label(harness, marta, "Enviar")
            await expect(page.locator("#submitted")).to_have_text("1", timeout=15_000)
            await press_label(harness, joao, "Responder")
            for label in ("Clima", "Transportes", "Concluído", "2"):
                await press_label(harness, joao, label)
            await harness.say(joao, "80")
            await press_label(harness, joao, "Enviar")
            await expect(page.locator("#submitted")).to_have_text("2", timeout=15_000)
            await expect(page.locator("#rate")).to_contain_text("50")
            waiting = page.locator("#waiting")
            await expect(waiting).to_contain_text("Lyon")
            await expect(waiting).to_contain_text("Rosario")
            await expect(waiting).not_to_contain_text("Barcelona")
            await check_page(page, "results", found, screenshot=CONSULTATION)
            # the cities that have not answered are reminded over the bot
            await page.get_by_role("button", name="Enviar el recordatorio").click()
            await expect(page.locator(".notice")).to_contain_text("2 representantes")
            assert await drain_outbox(harness) == 2
            for user, language in ((claire, "fr"), (lucia, "es")):
                text = fake.last_message(user.id).text or ""
                assert translate(REMINDER, language).split("<b>")[0] in text
            reminder = translate(REMINDER, "ca").split("<b>")[0]
            assert reminder not in (fake.last_message(marta.id).text or "")  # she answered
            # the free-text answers, searched
            await page.fill("#q", "ESCOLES")
            await expect(page.locator("#texts")).to_contain_text("Escoles obertes")
            # closed, and the workbook downloaded
            await page.get_by_role("button", name="Cerrar", exact=True).click()
            await expect(page.locator("#status")).to_have_text("cerrada")
            await check_page(page, "closed", found, screenshot=CONSULTATION)
            async with page.expect_download() as download_info:
                await page.get_by_role("link", name="Descargar XLSX").click()
            download = await download_info.value
            book = load_workbook(io.BytesIO(Path(await download.path()).read_bytes()))
            rows = list(book["responses"].iter_rows(values_only=True))
            assert {row[1] for row in rows[1:]} == {"Barcelona", "Lisboa"}
            await page.goto(f"{base}/console/consultations")
            await check_page(page, "list", found, screenshot=CONSULTATION)
            await context.close()
            await browser.close()
    finally:
        await server.close()
    assert {name: v for name, v in found.items() if v} == {}
