"""axe-core in a real browser on the subscription pages and the campaign kit's pages: no
violation of any impact; screenshots at 375 and 1280 px land in var/screenshots/.

Playwright drives Debian's chromium (`make browser`); skipped without it. axe-core is vendored
in tests/vendor/axe-core/ (no CDN).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Page, async_playwright

from campaigns.kit import KIT_LANGUAGES, build_kit
from newsletter.subscriptions import service
from newsletter.subscriptions.mailer import MemoryMailer
from newsletter.subscriptions.tokens import confirm_url, preferences_url, unsubscribe_url
from storage.engine import SessionFactory
from storage.seed import load_seed
from tests.campaigns.kit.sample import sample_kit
from tests.newsletter.browser import find_chromium
from web.public.kit import setup_kit_routes
from web.public.subscribe import SubscriptionSite, setup_subscription_routes

ROOT = Path(__file__).resolve().parents[1]
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


class Keys:
    public_url = "http://aive.test"

    def signing_key(self) -> str:
        return "a11y-test-key"


async def violations(page: Page) -> list[str]:
    await page.add_script_tag(path=str(AXE))
    found = await page.evaluate(
        "async () => (await axe.run()).violations"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target).join(' '))"
    )
    return [str(v) for v in found]


async def test_public_pages_have_no_axe_violations(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    async with sessions() as session:
        await load_seed(session)
        result = await service.request_subscription(
            session, "ana@example.es", "Ana", "es", ["spain"], datetime.now(UTC)
        )
        await session.commit()
        ana = result.subscriber
    build_kit(sample_kit(), tmp_path / "kits" / "2026")
    app = web.Application()
    setup_subscription_routes(app, SubscriptionSite(sessions, Keys(), MemoryMailer()))
    setup_kit_routes(app, tmp_path / "kits")
    tokens = {
        "confirm": confirm_url(Keys(), ana),
        "preferences": preferences_url(Keys(), ana),
        "unsubscribe": unsubscribe_url(Keys(), ana),
    }
    pages = {f"subscribe-{lang}": f"/subscribe?lang={lang}" for lang in KIT_LANGUAGES}
    pages |= {name: url.removeprefix(Keys.public_url) for name, url in tokens.items()}
    pages["bad-link"] = "/confirm/nonsense?lang=ca"
    pages |= {f"kit-{lang}": f"/campaigns/2026/kit/?lang={lang}" for lang in KIT_LANGUAGES}
    pages["kit-press-pt"] = "/campaigns/2026/kit/pt/press-release.html"
    pages["kit-email-pt"] = "/campaigns/2026/kit/pt/email.html"

    server = TestServer(app)
    await server.start_server()
    found: dict[str, list[str]] = {}
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"]
            )
            for width in (375, 1280):
                # our pages forbid scripts (CSP): let the test inject axe anyway
                context = await browser.new_context(
                    viewport={"width": width, "height": 900}, bypass_csp=True
                )
                page = await context.new_page()
                for name, path in pages.items():
                    response = await page.goto(str(server.make_url(path)))
                    assert response is not None and response.status < 500, path
                    found[f"{name} at {width}px"] = await violations(page)
                    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                    await page.screenshot(
                        path=str(SCREENSHOTS / f"a11y-{name}-{width}.png"), full_page=True
                    )
                await context.close()
            await browser.close()
    finally:
        await server.close()
    assert {name: v for name, v in found.items() if v} == {}
