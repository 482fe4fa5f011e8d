"""Inés's month in a real browser (JOURNEYS.md): she signs in with the link from the outbox,
opens the month's draft, writes an editorial, leaves one item out, previews the Spanish edition
at 375 px, approves it for 9:00 tomorrow and, once the worker has sent it, reads its stats. Then
a subscriber's data is exported and erased, and a re-import of the address is refused with the
reason. axe-core finds no violation on the pages she passes through (375 and 1280 px);
screenshots land in var/screenshots/.

Playwright drives Debian's chromium (`make browser`); skipped without it.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestServer
from playwright.async_api import async_playwright, expect
from sqlalchemy import select

from newsletter.delivery.outbox_backend import OutboxBackend
from newsletter.delivery.recipients import recipient_urls
from newsletter.delivery.sender import Sender
from newsletter.editions import service
from newsletter.subscriptions import service as subscriptions
from storage.base import utcnow
from storage.bulletins import Edition
from storage.bulletins_queries import enqueue_edition, finish_edition
from storage.deliveries import DeliveryEvent
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.web.console.browser_support import BROWSER_TESTS, CHROMIUM, check_page
from tests.web.console.helpers import PUBLIC_URL, add_member, console_app
from tests.web.console.pages_world import pages_world

MADRID = ZoneInfo("Europe/Madrid")

pytestmark = BROWSER_TESTS


class Links:
    public_url = PUBLIC_URL

    def signing_key(self) -> str:
        return "journey-key"

    def __call__(self, subscriber: object) -> tuple[str, str]:
        return recipient_urls(self, subscriber)  # type: ignore[arg-type]


def sign_in_link(outbox: Path) -> str:
    [eml] = outbox.glob("console-sign-in-*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(r"https?://\S+/console/sign-in/link/\S+", body.get_content())
    assert found, "no sign-in link in the email"
    return found.group(0)


async def the_worker_sends(sessions: SessionFactory, edition_id: int, outbox: Path) -> None:
    """What the worker does once 9:00 has come: queue, send through the file outbox, finish;
    then SendGrid would report an open."""
    async with sessions() as session:
        edition = await session.get_one(Edition, edition_id)
        assert edition.send_at is not None
        due = edition.send_at + timedelta(minutes=1)
        await enqueue_edition(session, edition_id, due)
        await session.commit()
    await Sender(sessions, OutboxBackend(outbox), Links(), "AIVE <b@example.org>").send_edition(
        edition_id
    )
    async with sessions() as session:
        await finish_edition(session, edition_id, utcnow())
        first = await session.scalar(select(DeliveryEvent.id).limit(1))
        assert first is None
        reader = await subscriptions.find_by_address(session, "reader0@example.es")
        assert reader is not None
        session.add(
            DeliveryEvent(
                sg_event_id="open-1", event="open", edition_id=edition_id, subscriber_id=reader.id
            )
        )
        await session.commit()


async def test_ines_month_and_a_persons_erasure_in_the_browser(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await pages_world(sessions)
    outbox, sent = tmp_path / "outbox", tmp_path / "sent"
    await add_member(sessions, StaffRole.editor, "ines@aive.test", "Inés", language="es")
    now = utcnow()
    async with sessions() as session:
        # the month's drafts, as the scheduler composes them, and their readers
        draft = await service.compose_draft(session, "global", "es", now)
        await service.compose_draft(session, "global", "pt", now)
        people = [
            subscriptions.NewSubscriber(
                f"reader{n}@example.es", None, "es", ["spain"], "form", None
            )
            for n in range(3)
        ]
        people.append(
            subscriptions.NewSubscriber(
                "joao@example.pt", "João", "pt", ["portugal"], "congress 2026", None
            )
        )
        await subscriptions.add_subscribers(session, people, confirmed=True, now=now)
        await session.commit()
    server = TestServer(console_app(sessions, outbox))
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
            page = await context.new_page()
            # sign in with the link from the outbox
            await page.goto(f"{base}/console/sign-in")
            await page.fill("#email", "ines@aive.test")
            await page.click("form.card button[type=submit]")
            link = sign_in_link(outbox).replace(PUBLIC_URL, base)
            await page.goto(link)
            await page.click("form.card button[type=submit]")
            await expect(page).to_have_url(f"{base}/console/")
            # the month's draft
            await page.click("nav a[href='/console/bulletins']")
            await check_page(page, "bulletins", found)
            await page.click(f"a[href='/console/bulletins/editions/{draft.id}']")
            await expect(page.locator("h1")).to_contain_text("Boletín")
            # an editorial, with its preview
            await page.fill("#editorial", "Un mes **intenso** en nuestras ciudades.")
            await page.click("button[name=action][value=save]")
            await expect(page.locator(".notice")).to_contain_text("Guardado")
            await expect(page.locator("#editorial-preview strong")).to_have_text("intenso")
            # one item left out (htmx swaps the editor in place)
            item = page.locator("li", has_text="News barcelona-1")
            await item.get_by_role("button", name="Excluir: News barcelona-1").click()
            await expect(page.locator("li.left-out")).to_contain_text("News barcelona-1")
            # the Spanish edition at 375 px
            await page.click(f"a[href='/console/bulletins/editions/{draft.id}?width=375']")
            frame = page.frame_locator("iframe.preview.w375")
            await expect(frame.locator("body")).to_contain_text("Un mes intenso")
            await expect(frame.locator("body")).not_to_contain_text("News barcelona-1")
            await check_page(page, "draft-editor", found)
            # approved for 9:00 tomorrow
            tomorrow = (utcnow().astimezone(MADRID) + timedelta(days=1)).date()
            await page.check("input[name=when][value=at]")
            await page.fill("#send-at", f"{tomorrow}T09:00")
            await page.get_by_role("button", name="Aprobar").click()
            await expect(page.locator(".notice")).to_contain_text("sale a la hora elegida")
            # the worker sends it; she comes back to its stats
            await the_worker_sends(sessions, draft.id, sent)
            await page.goto(f"{base}/console/bulletins/editions/{draft.id}")
            await expect(page.locator("#sending")).to_contain_text("3 de 3 correos")
            await expect(page.locator("#outcomes-desc")).to_contain_text("abiertos: 1")
            await check_page(page, "edition-stats", found)
            # a subscriber's data exported, then erased
            await page.goto(f"{base}/console/subscribers?q=joao")
            await check_page(page, "subscribers", found)
            await page.click("a:has-text('joao@example.pt')")
            await check_page(page, "subscriber", found)
            async with page.expect_download() as download_info:
                await page.get_by_role("button", name="Descargar sus datos (JSON)").click()
            download = await download_info.value
            exported = json.loads(Path(await download.path()).read_text())
            assert exported["subscriber"]["email"] == "joao@example.pt"
            await page.check("input[name=confirm]")
            await page.get_by_role("button", name="Borrar", exact=True).click()
            await expect(page.locator(".notice")).to_contain_text("Solo se conserva un hash")
            # an old list brings the address back: refused, with the reason
            csv_file = tmp_path / "old-list.csv"
            csv_file.write_text("email,name\njoao@example.pt,João\n", encoding="utf-8")
            await page.goto(f"{base}/console/subscribers/import")
            await page.set_input_files("#file", str(csv_file))
            await page.get_by_role("button", name="Importar", exact=True).click()
            report = page.locator("table")
            await expect(report).to_contain_text("erased at the person's request")
            await check_page(page, "import-report", found)
            await page.goto(f"{base}/console/feeds")
            await check_page(page, "feeds", found)
            await context.close()
            await browser.close()
    finally:
        await server.close()
    assert {name: v for name, v in found.items() if v} == {}
