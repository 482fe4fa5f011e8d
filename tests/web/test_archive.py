"""The public archive as a visitor sees it, through the wired web application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import feedparser
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from babel.messages.extract import extract_from_file
from jinja2.ext import babel_extract

from app import catalogs
from app.context import AppContext
from app.settings import load_settings
from app.web import build_web_app
from i18n.languages import LANGUAGES
from newsletter.editions import service as bulletins
from newsletter.editions.render import (
    LOCALE_DIR,
    SECTIONS_END,
    SECTIONS_START,
    TEMPLATE_DIR,
)
from storage.bulletins import Edition, EditionStatus
from storage.engine import SessionFactory
from tests.newsletter.bulletin_samples import NOW, build_world
from web.public.archive import negotiate_language

PUBLIC = "https://bulletin.example.org"
CONFIG = bulletins.BulletinConfig(public_url=PUBLIC)


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs() -> None:
    catalogs.compile_all()


@pytest.fixture
async def editions(sessions: SessionFactory) -> dict[str, int]:
    """Two sent-or-approved English editions a week apart, a French one, and a draft."""
    async with sessions() as s:
        await build_world(s)
        older = await bulletins.compose_draft(
            s, "global", "en", NOW - timedelta(days=7), config=CONFIG
        )
        await bulletins.approve(s, older.id, "ana", now=NOW - timedelta(days=7))
        newer = await bulletins.compose_draft(s, "global", "en", NOW, config=CONFIG)
        await bulletins.apply_edits(s, newer.id, bulletins.Edits(subject="March news"))
        await bulletins.approve(s, newer.id, "ana", now=NOW)
        french = await bulletins.compose_draft(s, "global", "fr", NOW, config=CONFIG)
        await bulletins.approve(s, french.id, "ana", now=NOW)
        draft = await bulletins.compose_draft(
            s, "global", "en", NOW + timedelta(days=1), config=CONFIG
        )
    return {"older": older.id, "newer": newer.id, "french": french.id, "draft": draft.id}


@pytest.fixture
async def client(sessions: SessionFactory) -> AsyncIterator[TestClient]:
    settings = load_settings(public_url=PUBLIC)
    engine = sessions.kw["bind"]
    async with TestClient(TestServer(build_web_app(AppContext(settings, engine, sessions)))) as c:
        yield c


async def test_series_list_speaks_the_visitors_language(
    client: TestClient, editions: dict[str, int]
) -> None:
    page = await client.get("/archive/", headers={"Accept-Language": "fr-CH, en;q=0.5"})
    assert page.status == 200
    html = await page.text()
    assert '<html lang="fr">' in html
    assert "Archives du bulletin" in html and "Bulletin des Villes éducatrices" in html
    spanish = await (await client.get("/archive/?lang=es")).text()
    assert "Archivo del boletín" in spanish
    redirected = await client.get("/archive", allow_redirects=False)
    assert redirected.status == 308 and redirected.headers["Location"] == "/archive/"
    kept = await client.get("/archive?lang=ca", allow_redirects=False)
    assert kept.headers["Location"] == "/archive/?lang=ca"  # the language is not lost


async def test_the_front_door_leads_to_the_archive_which_offers_the_subscription(
    client: TestClient, editions: dict[str, int]
) -> None:
    home = await client.get("/?lang=pt", allow_redirects=False)
    assert home.status == 302 and home.headers["Location"] == "/archive/?lang=pt"
    page = await (await client.get("/", headers={"Accept-Language": "ca"})).text()
    assert '<a class="button" href="/subscribe?lang=ca">Rebre el butlletí per correu' in page
    series = await (await client.get("/archive/global/?lang=es")).text()
    assert 'href="/subscribe?lang=es">Recibir el boletín por correo, en su idioma</a>' in series
    form = await client.get("/subscribe?lang=es")
    assert form.status == 200


async def test_series_page_lists_published_editions_newest_first_without_drafts(
    client: TestClient, editions: dict[str, int]
) -> None:
    html = await (await client.get("/archive/global/?lang=en")).text()
    newer = html.index(f'href="/archive/global/{editions["newer"]}"')
    older = html.index(f'href="/archive/global/{editions["older"]}"')
    assert newer < older
    assert "March news" in html
    assert f"/archive/global/{editions['draft']}" not in html
    assert f"/archive/global/{editions['french']}" not in html  # the French one is on ?lang=fr
    assert "Edition of March 10, 2026" in html
    french = await (await client.get("/archive/global/?lang=fr")).text()
    assert f"/archive/global/{editions['french']}" in french
    assert "Édition du 10 mars 2026" in french


async def test_an_edition_page_is_a_page_of_the_archive_not_the_email_as_sent(
    client: TestClient, editions: dict[str, int]
) -> None:
    page = await client.get(f"/archive/global/{editions['newer']}")
    assert page.status == 200
    html = await page.text()
    assert '<html lang="en">' in html and "<h1>March news</h1>" in html
    assert "Edition of March 10, 2026" in html and "News from the cities" in html
    assert 'href="/subscribe?lang=en"' in html  # a subscribe call
    assert 'href="/archive/global/?lang=fr" hreflang="fr"' in html  # the switcher
    for email_only in ("View in your browser", "Hello", "You receive this bulletin because"):
        assert email_only not in html
    assert "-aive_" not in html and "/unsubscribe" not in html  # no per-recipient part left
    french = await (await client.get(f"/archive/global/{editions['french']}?lang=en")).text()
    assert '<html lang="fr">' in french and "Bonjour" not in french  # the edition's language
    assert (await client.get(f"/archive/global/{editions['draft']}")).status == 404
    assert (await client.get("/archive/global/99999")).status == 404
    assert (await client.get("/archive/nope/")).status == 404
    assert (await client.get(f"/archive/nope/{editions['newer']}")).status == 404


async def test_an_edition_sent_before_sections_were_marked_is_framed_as_a_page_too(
    client: TestClient, editions: dict[str, int], sessions: SessionFactory
) -> None:
    """Its whole email in the archive's page: a `<main>`, the subject as `<h1>`, a switcher."""
    async with sessions() as s:
        edition = await s.get(Edition, editions["older"])
        assert edition is not None and edition.html
        edition.html = edition.html.replace(SECTIONS_START, "").replace(SECTIONS_END, "")
        await s.commit()
    html = await (await client.get(f"/archive/global/{editions['older']}")).text()
    assert html.count("<main>") == 1 and f"<h1>{edition.subject}</h1>" in html
    assert "Hello" in html and "News from the cities" in html  # the email, as it was sent
    assert 'href="/archive/global/?lang=fr" hreflang="fr"' in html
    assert "-aive_" not in html


async def test_atom_feed_parses_and_lists_editions_newest_first(
    client: TestClient, editions: dict[str, int]
) -> None:
    response = await client.get("/archive/global/feed.atom?lang=en")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(await response.read())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Educating Cities Bulletin"
    links = [entry.link for entry in feed.entries]
    assert links == [
        f"{PUBLIC}/archive/global/{editions['newer']}",
        f"{PUBLIC}/archive/global/{editions['older']}",
    ]
    assert feed.entries[0].title == "March news"
    every = feedparser.parse(await (await client.get("/archive/global/feed.atom")).read())
    assert len(every.entries) == 3 and not every.bozo


async def test_generic_unsubscribe_and_preferences_pages_point_to_the_personal_link(
    client: TestClient,
) -> None:
    unsubscribe = await client.get("/unsubscribe", headers={"Accept-Language": "ca"})
    assert unsubscribe.status == 200
    assert "Donar-se de baixa" in await unsubscribe.text()
    preferences = await (await client.get("/preferences?lang=pt")).text()
    assert "Preferências de subscrição" in preferences
    assert "ligação de preferências" in preferences


@pytest.mark.parametrize(
    ("asked", "header", "expected"),
    [
        ("fr", "es", "fr"),
        (None, "de-DE, pt-BR;q=0.9, es;q=0.8", "pt"),
        (None, "es;q=0.2, ca;q=0.7", "ca"),
        ("xx", "zz, fr;q=0", "en"),
        (None, None, "en"),
        (None, "fr;q=abc, es", "es"),
    ],
)
def test_language_negotiation(asked: str | None, header: str | None, expected: str) -> None:
    supported = ("en", "fr", "es", "pt", "ca")
    assert negotiate_language(asked, header, supported, "en") == expected


def test_archive_catalogs_cover_every_template_string() -> None:
    used: set[str] = set()
    for template in (TEMPLATE_DIR / "archive").glob("*.j2"):
        for _, message, _, _ in extract_from_file(
            babel_extract, str(template), options={"extensions": "jinja2.ext.i18n"}
        ):
            used.add(message if isinstance(message, str) else message[0])
    assert len(used) >= 10
    for language in LANGUAGES:
        known = {  # a plural message is known by its singular id
            (m.id[0] if isinstance(m.id, tuple | list) else m.id): m.string
            for m in catalogs.load(LOCALE_DIR / language / "LC_MESSAGES" / "archive.po")
            if m.id
        }
        assert used <= set(known), f"{language} lacks {sorted(used - set(known))}"
        for message in used:
            strings = known[message]
            assert all(strings if isinstance(strings, tuple) else (strings,)), message


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("en", "We could not find this page"),
        ("fr", "Nous ne trouvons pas cette page"),
        ("es", "No encontramos esta página"),
        ("pt", "Não encontramos esta página"),
        ("ca", "No trobem aquesta pàgina"),
    ],
)
async def test_an_unknown_address_gets_a_page_in_the_readers_language_with_a_way_back(
    client: TestClient, lang: str, heading: str
) -> None:
    for path in ("/no/such/page", "/archive/nope/", "/consultations/nope"):
        page = await client.get(path, headers={"Accept-Language": lang})
        html = await page.text()
        assert page.status == 404 and page.content_type == "text/html"
        assert f'<html lang="{lang}">' in html and f"<h1>{heading}</h1>" in html
        assert f'href="/archive/?lang={lang}"' in html
        assert "404: Not Found" not in html


async def test_a_failure_gets_a_page_in_the_readers_language_and_is_logged(
    sessions: SessionFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("database went away")

    app = build_web_app(AppContext(load_settings(public_url=PUBLIC), sessions.kw["bind"], sessions))
    app.router.add_get("/broken", broken)
    async with TestClient(TestServer(app)) as c:
        page = await c.get("/broken?lang=ca")
        html = await page.text()
    assert page.status == 500 and '<html lang="ca">' in html
    assert "Alguna cosa ha fallat per part nostra" in html and "database went away" not in html
    assert 'href="/archive/?lang=ca"' in html
    assert "database went away" in caplog.text


async def test_an_entrys_dates_are_fixed_when_published_and_apart_within_a_second(
    client: TestClient, sessions: SessionFactory
) -> None:
    async with sessions() as s:
        await build_world(s)
        english = await bulletins.compose_draft(s, "global", "en", NOW, config=CONFIG)
        await bulletins.approve(s, english.id, "ana", now=NOW + timedelta(milliseconds=200))
        french = await bulletins.compose_draft(s, "global", "fr", NOW, config=CONFIG)
        await bulletins.approve(s, french.id, "ana", now=NOW + timedelta(milliseconds=700))

    async def dates() -> dict[str, tuple[str, str]]:
        xml = await (await client.get("/archive/global/feed.atom")).text()
        feed = feedparser.parse(xml)
        return {e.link: (e.published, e.updated) for e in feed.entries}

    before = await dates()
    assert len({updated for _, updated in before.values()}) == 2  # same second, apart
    async with sessions() as s:  # sending it, an hour later, changes neither date
        sent = await s.get(Edition, english.id)
        assert sent is not None
        sent.status, sent.sent_at = EditionStatus.sent, NOW + timedelta(hours=1)
        await s.commit()
    assert await dates() == before
