"""Every public page speaks the reader's language: `<html lang>` is the language of its
content and a language switcher (plain links, no script) leads to the page in the others."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from app import catalogs
from app.context import AppContext
from app.settings import load_settings
from app.web import build_web_app
from engagement.consultations import lifecycle
from newsletter.subscriptions import service
from newsletter.subscriptions.tokens import preferences_url, unsubscribe_url
from storage.base import utcnow
from storage.consultations import ConsultationStatus
from storage.engine import SessionFactory
from tests.bot.cafe_support import schedule_cafe
from tests.bot.consultation_support import create_declaration
from tests.newsletter.bulletin_samples import build_world

PUBLIC = "https://aive.example.org"
LANGUAGES = ("en", "fr", "es", "pt", "ca")
# GET routes that are no page for readers, or whose page another part of the product owns
NOT_PAGES = {
    "/healthz",
    "/readyz",  # readiness, for a load balancer
    "/metrics",  # Prometheus text, for the scraper
    "/",  # redirects to /archive/
    "/archive",  # redirects to /archive/
    "/archive/{series}",  # redirects to /archive/{series}/
    "/archive/{series}/feed.atom",  # an Atom feed (its entries carry their language)
    "/archive/{series}/{edition}",  # in the edition's own language: see test_archive.py
    "/archive/preview/{token}",  # a draft, for staff
    "/confirm/{token}",  # a one-button page handled with the double opt-in
    "/campaigns/{year}/kit",  # the campaign kit: its own pages per language
    "/campaigns/{year}/kit/{path}",
    "/campaigns/{year}/kit.zip",
    "/demo/img",  # the demo's pictures
    # a representative's personal answer form (their language; no switcher): see
    # test_consultation_answers.py
    "/consultations/{slug}/answer/{token}",
    "/static/consultation-answers.js",  # the answer form's script
}


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs() -> None:
    catalogs.compile_all()


@pytest.fixture
async def site(sessions: SessionFactory) -> AsyncIterator[tuple[TestClient, dict[str, str]]]:
    """The wired application, and a real address for every public page in its route table."""
    settings = load_settings(public_url=PUBLIC)
    consultation_id = await create_declaration(sessions)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="t")
    await schedule_cafe(sessions, utcnow() + timedelta(days=10), utcnow())
    async with sessions() as session:
        await build_world(session)
        await session.commit()
        result = await service.request_subscription(
            session, "joao@example.pt", None, "pt", [], utcnow()
        )
        await session.commit()
        joao = result.subscriber
        tokens = {
            "unsubscribe": unsubscribe_url(settings, joao).removeprefix(PUBLIC),
            "preferences": preferences_url(settings, joao).removeprefix(PUBLIC),
        }
    app = build_web_app(AppContext(settings, sessions.kw["bind"], sessions))
    addresses = {
        "/subscribe": "/subscribe",
        "/unsubscribe/{token}": tokens["unsubscribe"],
        "/preferences/{token}": tokens["preferences"],
        "/archive/": "/archive/",
        "/archive/{series}/": "/archive/global/",
        "/unsubscribe": "/unsubscribe",
        "/preferences": "/preferences",
        "/consultations/{slug}": "/consultations/declaration",
        "/cafes/{slug}": "/cafes/school-streets",
    }
    async with TestClient(TestServer(app)) as client:
        yield client, addresses


def page_routes(app: web.Application) -> set[str]:
    return {
        route.resource.canonical
        for route in app.router.routes()
        if route.method == "GET"
        and route.resource is not None
        # the staff console has its own route table test (tests/web/console/test_access.py)
        and not route.resource.canonical.startswith("/console")
    } - NOT_PAGES


async def test_every_public_page_of_the_route_table_is_checked(
    site: tuple[TestClient, dict[str, str]],
) -> None:
    client, addresses = site
    assert page_routes(client.app) == set(addresses)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_public_page_is_in_the_readers_language_with_a_switcher(
    site: tuple[TestClient, dict[str, str]], lang: str
) -> None:
    client, addresses = site
    for route, address in addresses.items():
        response = await client.get(f"{address}?lang={lang}", headers={"Accept-Language": "de"})
        html = await response.text()
        assert response.status == 200, route
        assert f'<html lang="{lang}">' in html, route
        switcher = re.search(r'<nav class="lang[^"]*"[^>]*>(.*?)</nav>', html, re.S)
        assert switcher, f"{route} has no language switcher"
        links = dict(re.findall(r'<a href="([^"]+)"[^>]*lang="(\w+)"', switcher.group(1)))
        path = address.split("?")[0]
        assert sorted(links.values()) == sorted(set(LANGUAGES) - {lang}), route
        assert all(href == f"{path}?lang={code}" for href, code in links.items()), route
        assert "<script" not in html, route
