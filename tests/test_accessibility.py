"""axe-core in a real browser on every public page of the web application, built as production
builds it (`build_web_app`) over the demo's data (`aive demo load`): the archive, an edition,
the café and consultation pages, the subscription pages and the answers of their forms, the
pages behind the links of an email (confirm, preferences, unsubscribe), the error pages and the
campaign kit. Each page in each of the five languages, at 375 and 1280 px: no violation of any
impact; screenshots land in var/screenshots/.

Playwright drives Debian's chromium (`make browser`); skipped without it. axe-core is vendored
in tests/vendor/axe-core/ (no CDN). One browser, one server and one demo database per module
(per pytest-xdist worker); one tab per width, reused from page to page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, async_playwright
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.context import AppContext
from app.demo import load_demo
from app.settings import Settings, load_settings
from app.web import build_web_app
from campaigns.kit import KIT_LANGUAGES, build_kit
from newsletter.editions.preview_links import preview_url
from newsletter.editions.render import SECTIONS_END, SECTIONS_START
from newsletter.subscriptions import service
from newsletter.subscriptions.tokens import confirm_url, preferences_url, unsubscribe_url
from storage.base import utcnow
from storage.bulletins import Edition, EditionStatus
from storage.cafes import Cafe
from storage.consultations import Consultation, ConsultationStatus
from storage.engine import SessionFactory, create_engine, create_session_factory
from storage.seed import load_seed
from tests.campaigns.kit.sample import sample_kit
from tests.conftest import copy_of_template
from tests.newsletter.browser import find_chromium

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = find_chromium()
WIDTHS = (375, 1280)
PUBLIC = "http://aive.test"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not installed (make browser, or apt-get install chromium)",
    ),
]


@dataclass
class Site:
    """The running application and the addresses its demo data gives."""

    server: TestServer
    settings: Settings
    sessions: SessionFactory
    editions: dict[str, int]  # language → a published edition in it
    legacy: dict[str, int]  # language → one sent before editions marked their sections
    drafts: dict[str, int]  # language → a draft (staff read it through a preview link)
    cafe: str
    consultation: str
    networks: list[str]
    people: dict[tuple[str, int], dict[str, str]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return str(self.server.make_url(path.removeprefix(PUBLIC)))


@dataclass
class Tabs:
    """One tab per width (kept for the whole module), and what axe found on the pages a test
    checked."""

    pages: dict[int, Page]
    found: dict[str, list[str]] = field(default_factory=dict)

    def violations(self) -> dict[str, list[str]]:
        """The pages where axe found something (an empty dict when all are clean)."""
        return {name: found for name, found in self.found.items() if found}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Site]:
    folder = tmp_path_factory.mktemp("a11y")
    database = copy_of_template(sqlite_template, folder / "aive.db")
    settings = load_settings(
        public_url=PUBLIC,
        outbox_dir=folder / "outbox",
        kit_dir=folder / "kits",
        subscribe_limit=10_000,  # every form of every page is sent from one address
    )
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    sessions = create_session_factory(engine)
    async with sessions() as session:  # what `aive db upgrade` loads before `make run`'s demo
        await load_seed(session)
        await session.commit()
    report = await load_demo(settings, sessions)
    assert report.loaded and report.editions == len(KIT_LANGUAGES)
    build_kit(sample_kit(), settings.kit_dir / "2026")  # what `aive campaign kit` publishes
    async with sessions() as session:
        published = list(await session.scalars(select(Edition)))
        editions = {e.language: e.id for e in published}
        legacy = {e.language: _copy(session, e, EditionStatus.sent, weeks=1) for e in published}
        drafts = {e.language: _copy(session, e, EditionStatus.draft, weeks=2) for e in published}
        await session.commit()
        cafe = await session.scalar(select(Cafe.slug))
        consultation = await session.scalar(
            select(Consultation.slug).where(Consultation.status == ConsultationStatus.open)
        )
        networks = sorted(await service.known_network_slugs(session))
    assert cafe and consultation and networks
    server = TestServer(build_web_app(AppContext(settings, engine, sessions)))
    await server.start_server()
    try:
        yield Site(
            server,
            settings,
            sessions,
            editions,
            {lang: edition.id for lang, edition in legacy.items()},
            {lang: edition.id for lang, edition in drafts.items()},
            cafe,
            consultation,
            networks,
        )
    finally:
        await server.close()
        await engine.dispose()


def _copy(session: AsyncSession, edition: Edition, status: EditionStatus, weeks: int) -> Edition:
    """`edition` one period earlier, as a draft, or as sent before editions marked their
    sections (the archive shows those as the email was sent)."""
    html = edition.html or ""
    if status is EditionStatus.sent:
        html = html.replace(SECTIONS_START, "").replace(SECTIONS_END, "")
    copy = Edition(
        series_id=edition.series_id,
        language=edition.language,
        period_start=edition.period_start - timedelta(weeks=weeks),
        period_end=edition.period_end - timedelta(weeks=weeks),
        status=status,
        subject=edition.subject,
        preheader=edition.preheader,
        content=edition.content,
        html=html,
        text=edition.text,
    )
    session.add(copy)
    return copy


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        await launched.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_tabs(browser: Browser) -> AsyncIterator[Tabs]:
    pages: dict[int, Page] = {}
    for width in WIDTHS:
        # our pages forbid scripts (CSP): let the test inject axe anyway
        context = await browser.new_context(
            viewport={"width": width, "height": 900}, bypass_csp=True
        )
        pages[width] = await context.new_page()
    yield Tabs(pages)
    for page in pages.values():
        await page.context.close()


@pytest.fixture
def tabs(module_tabs: Tabs) -> Tabs:
    """The module's tabs, with the findings of this test only."""
    return Tabs(module_tabs.pages)


async def person(site: Site, lang: str, width: int) -> dict[str, str]:
    """The links of a new subscriber writing in `lang` (one per tab: confirming, saving and
    unsubscribing change what the next visit shows)."""
    key = (lang, width)
    if key not in site.people:
        async with site.sessions() as session:
            result = await service.request_subscription(
                session, f"{lang}{width}@example.org", None, lang, site.networks[:1], utcnow()
            )
            await session.commit()
            subscriber = result.subscriber
        site.people[key] = {
            "confirm": confirm_url(site.settings, subscriber),
            "preferences": preferences_url(site.settings, subscriber),
            "unsubscribe": unsubscribe_url(site.settings, subscriber),
        }
    return site.people[key]


async def violations(page: Page) -> list[str]:
    await page.add_script_tag(path=str(AXE))
    found = await page.evaluate(
        "async () => (await axe.run()).violations"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target).join(' '))"
    )
    return [str(v) for v in found]


Visit = Callable[[Page, int], Awaitable[object]]


async def check(tabs: Tabs, name: str, visit: Visit, lang: str) -> None:
    """Open the page `visit` leads to in every tab; record axe's findings, take screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, page in tabs.pages.items():
        await visit(page, width)
        assert await page.get_attribute("html", "lang") == lang, f"{name} at {width}px"
        tabs.found[f"{name} at {width}px"] = await violations(page)
        await page.screenshot(path=str(SCREENSHOTS / f"a11y-{name}-{width}.png"), full_page=True)


def goto(site: Site, path: str, status: int = 200) -> Visit:
    async def visit(page: Page, width: int) -> None:
        response = await page.goto(site.url(path))
        assert response is not None and response.status == status, path

    return visit


@pytest.mark.parametrize("lang", KIT_LANGUAGES)
async def test_archive_pages_have_no_axe_violations(site: Site, tabs: Tabs, lang: str) -> None:
    await check(tabs, f"archive-{lang}", goto(site, f"/archive/?lang={lang}"), lang)
    await check(tabs, f"series-{lang}", goto(site, f"/archive/global/?lang={lang}"), lang)
    edition = f"/archive/global/{site.editions[lang]}"  # in the edition's own language
    await check(tabs, f"edition-{lang}", goto(site, edition), lang)
    legacy = f"/archive/global/{site.legacy[lang]}"
    await check(tabs, f"edition-as-sent-{lang}", goto(site, legacy), lang)
    key = site.settings.signing_key()
    preview = preview_url(PUBLIC, key, site.drafts[lang])
    await check(tabs, f"draft-preview-{lang}", goto(site, preview), lang)
    for notice in ("unsubscribe", "preferences"):  # where an edition's web version links
        await check(tabs, f"{notice}-notice-{lang}", goto(site, f"/{notice}?lang={lang}"), lang)
    assert tabs.violations() == {}


@pytest.mark.parametrize("lang", KIT_LANGUAGES)
async def test_cafe_and_consultation_pages_have_no_axe_violations(
    site: Site, tabs: Tabs, lang: str
) -> None:
    await check(tabs, f"cafe-{lang}", goto(site, f"/cafes/{site.cafe}?lang={lang}"), lang)
    consultation = f"/consultations/{site.consultation}?lang={lang}"
    await check(tabs, f"consultation-{lang}", goto(site, consultation), lang)
    assert tabs.violations() == {}


@pytest.mark.parametrize("lang", KIT_LANGUAGES)
async def test_subscription_pages_and_their_answers_have_no_axe_violations(
    site: Site, tabs: Tabs, lang: str
) -> None:
    form = f"/subscribe?lang={lang}"
    await check(tabs, f"subscribe-{lang}", goto(site, form), lang)

    async def no_network(page: Page, width: int) -> None:
        await page.goto(site.url(form))
        await page.fill("#email", f"nobody{width}@example.org")
        async with page.expect_navigation():
            await page.click("button[type=submit]")
        assert await page.locator("[role=alert]").count() == 1

    await check(tabs, f"subscribe-error-{lang}", no_network, lang)

    async def subscribed(page: Page, width: int) -> None:
        await page.goto(site.url(form))
        await page.fill("#email", f"new-{lang}{width}@example.org")
        await page.check("input[name=networks] >> nth=0")
        async with page.expect_navigation():
            await page.click("button[type=submit]")

    await check(tabs, f"check-inbox-{lang}", subscribed, lang)

    async def link(kind: str, width: int) -> str:
        return (await person(site, lang, width))[kind]

    def opened(kind: str) -> Visit:
        async def visit(page: Page, width: int) -> None:
            response = await page.goto(site.url(await link(kind, width)))
            assert response is not None and response.status == 200, kind

        return visit

    async def submitted(page: Page, width: int) -> None:
        async with page.expect_navigation():
            await page.click("button[type=submit]")

    for kind in ("confirm", "preferences", "unsubscribe"):
        await check(tabs, f"{kind}-{lang}", opened(kind), lang)
        await check(tabs, f"{kind}-done-{lang}", submitted, lang)
    assert tabs.violations() == {}


@pytest.mark.parametrize("lang", KIT_LANGUAGES)
async def test_error_pages_have_no_axe_violations(site: Site, tabs: Tabs, lang: str) -> None:
    await check(tabs, f"not-found-{lang}", goto(site, f"/nowhere?lang={lang}", 404), lang)
    bad_link = goto(site, f"/confirm/nonsense?lang={lang}", 404)
    await check(tabs, f"bad-link-{lang}", bad_link, lang)
    assert tabs.violations() == {}


@pytest.mark.parametrize("lang", KIT_LANGUAGES)
async def test_campaign_kit_pages_have_no_axe_violations(site: Site, tabs: Tabs, lang: str) -> None:
    await check(tabs, f"kit-{lang}", goto(site, f"/campaigns/2026/kit/?lang={lang}"), lang)
    for name in ("press-release", "email"):
        path = f"/campaigns/2026/kit/{lang}/{name}.html"
        await check(tabs, f"kit-{name}-{lang}", goto(site, path), lang)
    assert tabs.violations() == {}
