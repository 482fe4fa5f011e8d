"""What every request and response of the site goes through (newsletter/subscriptions/web_edge.py):
a request we cannot read is a 400 page, an unknown address a 404 page, both in the reader's
language, on SQLite and PostgreSQL; and the security headers."""

from __future__ import annotations

import asyncio
import base64
import html
import re
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.ext.asyncio import AsyncEngine

from app.context import AppContext
from app.settings import load_settings
from app.web import build_web_app
from storage.engine import create_session_factory
from storage.seed import load_seed

FORM = "application/x-www-form-urlencoded"


def _public_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


async def _client(engine: AsyncEngine, **overrides: object) -> TestClient:
    sessions = create_session_factory(engine)
    async with sessions() as session:
        await load_seed(session)
        await session.commit()
    settings = load_settings(
        telegram_token="123:abc",
        telegram_webhook_secret="s3cret",
        sendgrid_webhook_public_key=_public_key(),
        **overrides,
    )
    return TestClient(TestServer(build_web_app(AppContext(settings, engine, sessions))))


@pytest.fixture
async def client(engine: AsyncEngine) -> AsyncIterator[TestClient]:
    async with await _client(engine) as c:
        yield c


async def _page(response: object, status: int) -> str:
    assert getattr(response, "status") == status  # noqa: B009
    assert getattr(response, "content_type") == "text/html"  # noqa: B009
    return html.unescape(await response.text())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (FORM, b"email=\xff&name=a"),
        (f"{FORM}; charset=x-bogus", b"email=a"),
        ("multipart/form-data", b"email=a"),
        ("multipart/form-data; boundary=zz", b"--zz\r\nfoo"),
    ],
    ids=["raw-ff", "bogus-charset", "no-boundary", "broken-boundary"],
)
async def test_an_unreadable_form_is_a_400_page_in_the_readers_language(
    client: TestClient, content_type: str, body: bytes
) -> None:
    response = await client.post(
        "/subscribe?lang=fr", data=body, headers={"Content-Type": content_type}
    )
    page = await _page(response, 400)
    assert 'lang="fr"' in page
    assert "Nous n'avons pas pu lire cette demande" in page


@pytest.mark.parametrize(
    "path",
    [
        "/campaigns/2026/kit/%00",
        "/archive/global/99999999999999999999",
        "/archive/gl%00obal/",
        "/consultations/a%00b",
        "/cafes/a%00b",
        "/nowhere",
    ],
)
async def test_an_address_that_leads_nowhere_is_a_404_page_in_the_readers_language(
    client: TestClient, path: str
) -> None:
    response = await client.get(path, headers={"Accept-Language": "es-ES,es;q=0.9"})
    page = await _page(response, 404)
    assert 'lang="es"' in page
    assert "No encontramos esta página" in page


@pytest.mark.parametrize(
    "path",
    ["/archive/global/feed.atom?lang=e%00n", "/archive/global/?lang=%00", "/subscribe?x=%01"],
)
async def test_a_control_character_in_the_query_is_a_400_page(
    client: TestClient, path: str
) -> None:
    response = await client.get(path, headers={"Accept-Language": "pt"})
    page = await _page(response, 400)
    assert "Não conseguimos ler este pedido" in page


async def test_a_sendgrid_timestamp_that_only_looks_like_digits_is_refused(
    client: TestClient,
) -> None:
    response = await client.post(
        "/webhooks/sendgrid",
        data=b"[]",
        headers={
            "X-Twilio-Email-Event-Webhook-Signature": "abc",
            "X-Twilio-Email-Event-Webhook-Timestamp": "²",
        },
    )
    assert response.status == 403


async def test_a_telegram_secret_that_is_not_utf8_is_refused(client: TestClient) -> None:
    # a raw request: the client library would not send a header that is not UTF-8
    host, port = client.server.host, client.server.port
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        b"POST /webhooks/telegram HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
        b"X-Telegram-Bot-Api-Secret-Token: \xe9t\xe9\r\nConnection: close\r\n\r\n{}"
    )
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    assert status_line.split()[1] == b"403"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/healthz", 200),
        ("/archive", 308),
        ("/archive/", 200),
        ("/archive/global/", 200),
        ("/archive/global/feed.atom", 200),
        ("/nowhere", 404),
        ("/subscribe", 200),
    ],
)
async def test_every_response_says_nosniff_and_every_page_refuses_frames(
    client: TestClient, path: str, status: int
) -> None:
    response = await client.get(path, allow_redirects=False)
    assert response.status == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers, "only in production"
    if response.content_type == "text/html":
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"


async def test_in_production_browsers_are_told_to_keep_to_https(engine: AsyncEngine) -> None:
    production = {"env": "production", "secret_key": "k" * 32, "public_url": "https://aive.example"}
    async with await _client(engine, **production) as c:
        for path in ("/archive/", "/healthz", "/nowhere"):
            response = await c.get(path)
            assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


async def test_a_client_too_slow_to_send_its_body_gets_408(engine: AsyncEngine) -> None:
    async with await _client(engine, web_read_timeout=0.3) as c:
        reader, writer = await asyncio.open_connection(c.server.host, c.server.port)
        writer.write(
            b"POST /subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\nemail=a"
        )
        await writer.drain()
        async with asyncio.timeout(5):
            status_line = await reader.readline()
        writer.close()
    assert status_line.split()[1] == b"408"


@pytest.mark.parametrize(("lang", "status"), [("fr", 200), ("pt-BR", 200), ("klingon", 404)])
async def test_the_atom_feed_exists_only_in_languages_we_publish_in(
    client: TestClient, lang: str, status: int
) -> None:
    response = await client.get(f"/archive/global/feed.atom?lang={lang}")
    assert response.status == status


async def test_a_name_on_two_lines_shows_the_form_again_with_the_reason(
    client: TestClient,
) -> None:
    form = await client.get("/subscribe?lang=ca")
    token = re.search(r'name="csrf_token" value="([^"]+)"', await form.text())
    assert token
    response = await client.post(
        "/subscribe?lang=ca",
        data={
            "csrf_token": token.group(1),
            "email": "ana@example.es",
            "name": "Ana\r\nBcc: x@evil.example",
            "language": "ca",
            "networks": "global",
        },
    )
    page = await _page(response, 400)
    assert "Escriu el teu nom en una sola línia." in page
