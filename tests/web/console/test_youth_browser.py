"""Youth moderation in a real browser (Playwright, Debian's chromium): a moderator, whose
console speaks Catalan, looks at the ideas waiting (Yuna's photo comes from the fake Telegram
through our bot), approves Yuna's idea, tries to reject Tomás's without a reason (refused, in
Catalan), then rejects it with one. Each author is told in their language over the fake Bot
API. axe-core finds no violation on the queue, the refused form or the published list (1280
and 375 px); screenshots land in var/screenshots/console-youth-*.png."""

from __future__ import annotations

import io
from pathlib import Path

from aiohttp.test_utils import TestServer
from PIL import Image, ImageDraw
from playwright.async_api import async_playwright, expect

from storage.engine import SessionFactory
from storage.staff import StaffRole
from storage.youth import YouthSubmission
from tests.fakes.telegram import FakeTelegram
from tests.web.console.browser_support import (
    BROWSER_TESTS,
    CHROMIUM,
    check_page,
    signed_in_cookie,
)
from tests.web.console.youth_world import at_telegram, youth_console, youth_world
from web.console.sessions import SESSION_COOKIE

pytestmark = BROWSER_TESTS


def drawing() -> bytes:
    """A real JPEG, as Telegram keeps a photo: a bike lane drawn by a child."""
    image = Image.new("RGB", (640, 420), "#e8f1fb")
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 260, 640, 420), fill="#6b7280")
    pen.rectangle((0, 320, 640, 350), fill="#16a34a")
    pen.ellipse((420, 40, 520, 140), fill="#facc15")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


async def test_a_moderator_approves_one_idea_and_rejects_another_with_a_reason(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    world = await youth_world(sessions, fake_telegram)
    # Yuna's photo, as Telegram keeps it: a real JPEG
    async with sessions() as session:
        idea = await session.get_one(YouthSubmission, world.photo_idea)
        idea.media_file_id = at_telegram(fake_telegram, drawing(), "photo.jpg")
        await session.commit()
    token = await signed_in_cookie(sessions, StaffRole.moderator, "marta@aive.test", "Marta", "ca")
    app, _desk, _shelf = youth_console(sessions, tmp_path, fake_telegram)
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
                viewport={"width": 1280, "height": 900}, bypass_csp=True, locale="ca-ES"
            )
            await context.add_cookies(
                [{"name": SESSION_COOKIE, "value": token, "url": f"{base}/console/"}]
            )
            page = await context.new_page()
            await page.goto(f"{base}/console/")
            await page.click("nav a[href='/console/youth']")
            await expect(page.locator("h1")).to_have_text("Idees de joves")
            photo = page.get_by_role("img", name="Foto enviada amb la idea «Safe bike lanes")
            await expect(photo).to_be_visible()
            assert await photo.evaluate("img => img.complete && img.naturalWidth") == 640
            await expect(page.locator(f"#idea-{world.voice_idea} audio")).to_have_count(1)
            yuna_card = page.locator(f"#idea-{world.photo_idea}")
            await expect(yuna_card).to_contain_text("Menys de 16 anys")
            await expect(yuna_card).to_contain_text("Conformitat de mare, pare o tutor")
            await check_page(page, "youth-queue", found)

            # Yuna's idea approved
            await yuna_card.get_by_role("button", name="Aprova").click()
            await expect(page.locator(".notice")).to_have_text(
                "Aprovada: s'ha avisat qui la va enviar."
            )
            await expect(page.locator(f"#idea-{world.photo_idea}")).to_have_count(0)

            # Tomás's idea: no reason first (refused in Catalan), then with one
            tomas_card = page.locator(f"#idea-{world.voice_idea}")
            await tomas_card.get_by_role("button", name="Rebutja amb el motiu").click()
            await expect(page.locator(f"#reason-{world.voice_idea}-error")).to_have_text(
                "Escriviu el motiu: la persona jove el llegirà."
            )
            await check_page(page, "youth-refused", found)
            await page.get_by_label("Motiu (per rebutjar o demanar canvis)").fill(
                "Le terrain appartient à une entreprise privée."
            )
            await (
                page.locator(f"#idea-{world.voice_idea}")
                .get_by_role("button", name="Rebutja amb el motiu")
                .click()
            )
            await expect(page.locator(".notice")).to_have_text(
                "Rebutjada: s'ha explicat el motiu a qui la va enviar."
            )
            await expect(page.locator("main")).to_contain_text("Cap idea no espera una decisió.")

            # where the approved idea goes
            await page.click("a[href='/console/youth/published']")
            await expect(page.locator("table")).to_contain_text("Safe bike lanes to school")
            await expect(page.locator("table")).to_contain_text("A l'espera del proper butlletí")
            await check_page(page, "youth-published", found)
            await context.close()
            await browser.close()
    finally:
        await server.close()

    # each author told in their language, over the (fake) Bot API
    [to_yuna] = fake_telegram.sent_messages(world.yuna.id)
    assert (to_yuna.text or "").startswith(
        "¡Buenas noticias! El secretariado ha aprobado tu idea «Safe bike lanes to school»."
    )
    assert (to_yuna.text or "").endswith("Irá firmada con tu nombre.")
    [to_tomas] = fake_telegram.sent_messages(world.tomas.id)
    assert (to_tomas.text or "") == (
        "Merci pour ton idée « Un skatepark près du lycée ». Le secrétariat ne peut pas la "
        "publier cette fois-ci. Leur raison : Le terrain appartient à une entreprise privée."
    )
    assert len(fake_telegram.calls_to("getFile")) == 1  # the photo, once
    assert {name: v for name, v in found.items() if v} == {}
