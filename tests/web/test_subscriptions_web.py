"""João's journey on the subscription pages (aiohttp test client, SQLite and PostgreSQL)."""

import asyncio
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.subscriptions.mailer import MemoryMailer, TransactionalMessage
from newsletter.subscriptions.ratelimit import SlidingWindowLimiter
from newsletter.subscriptions.tokens import fingerprint, preferences_url, unsubscribe_url
from storage.audit import AuditEvent
from storage.engine import SessionFactory
from storage.seed import load_seed
from storage.subscribers import Subscriber, SubscriberStatus
from web.public.site import SITE
from web.public.subscribe import SubscriptionSite, setup_subscription_routes


@dataclass(frozen=True)
class Keys:
    public_url: str = "http://aive.test"

    def signing_key(self) -> str:
        return "web-test-key"


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    tick: float = 0.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.tick


class SlowMailer(MemoryMailer):
    """A provider that takes `delay` seconds per email, like SendGrid seen from here."""

    def __init__(self) -> None:
        super().__init__()
        self.delay = 0.0

    async def send(self, message: TransactionalMessage) -> None:
        await asyncio.sleep(self.delay)
        await super().send(message)


@dataclass
class Site:
    client: TestClient[web.Request, web.Application]
    mailer: SlowMailer
    clock: Clock
    sessions: SessionFactory
    pages: SubscriptionSite


@pytest.fixture
async def site(sessions: SessionFactory) -> AsyncIterator[Site]:
    async with sessions() as session:
        await load_seed(session)
        await session.commit()
    mailer, clock = SlowMailer(), Clock()
    app = web.Application()
    pages = SubscriptionSite(
        sessions=sessions,
        settings=Keys(),
        mailer=mailer,
        default_language="en",
        limiter=SlidingWindowLimiter(5, 600),
        clock=clock,
        monotonic=clock.monotonic,
    )
    setup_subscription_routes(app, pages)
    async with TestClient(TestServer(app)) as client:
        yield Site(client, mailer, clock, sessions, pages)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field in the form"
    return match.group(1)


async def subscribe(site: Site, email: str, **extra: object) -> tuple[int, str]:
    form_page = await site.client.get("/subscribe?lang=pt")
    data: dict[str, object] = {
        "csrf_token": csrf_of(await form_page.text()),
        "email": email,
        "name": "João",
        "language": "pt",
        "networks": "portugal",
    }
    data.update(extra)
    response = await site.client.post("/subscribe?lang=pt", data=data)
    answer = response.status, await response.text()
    await site.pages.emails_sent()  # the confirmation goes out after the answer
    return answer


def confirm_link(site: Site) -> str:
    link = re.search(r"http://aive\.test/confirm/\S+", site.mailer.sent[-1].text)
    assert link
    return link.group(0)


def path_of(url: str) -> str:
    return url.removeprefix("http://aive.test")


async def confirm(site: Site, url: str) -> tuple[int, str]:
    """Open the confirmation link and press its one button, as a person does."""
    page = await site.client.get(path_of(url))
    html = await page.text()
    form = re.search(r'<form method="post" action="([^"]+)">', html)
    if form is None:  # nothing to press: the page says why
        return page.status, html
    response = await site.client.post(
        form.group(1).replace("&amp;", "&"), data={"csrf_token": csrf_of(html)}
    )
    return response.status, await response.text()


async def subscriber(site: Site, email: str) -> Subscriber:
    async with site.sessions() as session:
        found = await session.scalar(select(Subscriber).where(Subscriber.email_key == email))
        assert found is not None
        return found


async def actions(site: Site) -> list[str]:
    async with site.sessions() as session:
        return list(
            (await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))).all()
        )


async def test_joao_subscribes_confirms_and_leaves_with_one_click(site: Site) -> None:
    page = await site.client.get("/subscribe", headers={"Accept-Language": "pt-PT,pt;q=0.9"})
    html = await page.text()
    assert page.status == 200 and 'lang="pt"' in html
    assert "Rede Territorial Portuguesa das Cidades Educadoras" in html

    status, html = await subscribe(site, "Joao@Example.PT")
    assert status == 200 and "Verifique a sua caixa de entrada" in html
    joao = await subscriber(site, "joao@example.pt")
    assert joao.status is SubscriberStatus.pending
    assert (joao.language, joao.networks, joao.name) == ("pt", ["portugal"], "João")

    [mail] = site.mailer.sent
    assert mail.to == "Joao@example.pt" and "Confirme" in mail.subject
    assert "Olá João," in mail.text
    link = re.search(r"http://aive\.test/confirm/\S+", mail.text)
    assert link and link.group(0) in mail.html

    status, html = await confirm(site, link.group(0))
    assert status == 200 and "A sua subscrição está confirmada" in html
    joao = await subscriber(site, "joao@example.pt")
    assert joao.status is SubscriberStatus.confirmed and joao.confirmed_at == site.clock.now

    # Gmail's header button: a POST with the RFC 8058 body and no cookie at all
    unsubscribe = path_of(unsubscribe_url(Keys(), joao))
    async with TestClient(TestServer(site.client.app)) as gmail:  # type: ignore[arg-type]
        response = await gmail.post(
            unsubscribe,
            data="List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert response.status == 200
    joao = await subscriber(site, "joao@example.pt")
    assert joao.status is SubscriberStatus.unsubscribed and joao.status_reason == "one-click"
    assert await actions(site) == [
        "subscribers.subscribed",
        "subscribers.confirmation_sent",
        "subscribers.confirmed",
        "subscribers.unsubscribed",
    ]
    # an old confirm link does not bring him back
    again = await site.client.get(path_of(link.group(0)))
    assert again.status == 410 and "<form" not in await again.text()
    refused = await site.client.post(path_of(link.group(0)), data={"csrf_token": "x"})
    assert refused.status == 410
    assert (await subscriber(site, "joao@example.pt")).status is SubscriberStatus.unsubscribed


async def test_a_link_scanner_opening_the_unsubscribe_link_changes_nothing(site: Site) -> None:
    await subscribe(site, "joao@example.pt")
    joao = await subscriber(site, "joao@example.pt")
    url = path_of(unsubscribe_url(Keys(), joao))
    page = await site.client.get(url)
    html = await page.text()
    assert page.status == 200
    assert re.search(r'<form method="post" action="/unsubscribe/[^"]+">', html)
    assert "<button" in html and "joao@example.pt" in html
    assert (await subscriber(site, "joao@example.pt")).status is SubscriberStatus.pending
    # the page's button unsubscribes at once, no CSRF needed
    done = await site.client.post(url)
    assert done.status == 200 and "A sua subscrição foi cancelada" in await done.text()
    assert (await subscriber(site, "joao@example.pt")).status is SubscriberStatus.unsubscribed
    again = await site.client.post(url)
    assert again.status == 200
    assert (await actions(site)).count("subscribers.unsubscribed") == 1


async def test_a_link_scanner_opening_the_confirmation_link_confirms_nothing(site: Site) -> None:
    await subscribe(site, "joao@example.pt")
    link = path_of(confirm_link(site))
    async with TestClient(TestServer(site.client.app)) as scanner:  # type: ignore[arg-type]
        page = await scanner.get(link)
        html = await page.text()
        assert page.status == 200 and 'lang="pt"' in html
        assert html.count("<button") == 1 and "<script" not in html
        assert (await subscriber(site, "joao@example.pt")).status is SubscriberStatus.pending
        # a POST without the page's CSRF token (a scanner replaying the form) is refused too
        forged = await scanner.post(link)
        assert forged.status == 403
    assert (await subscriber(site, "joao@example.pt")).status is SubscriberStatus.pending
    assert "subscribers.confirmed" not in await actions(site)
    status, html = await confirm(site, link)
    assert status == 200 and "A sua subscrição está confirmada" in html
    assert (await subscriber(site, "joao@example.pt")).status is SubscriberStatus.confirmed


async def test_expired_and_forged_links_show_a_clear_page_and_change_nothing(site: Site) -> None:
    await subscribe(site, "joao@example.pt")
    link = re.search(r"http://aive\.test(/confirm/\S+)", site.mailer.sent[0].text)
    assert link
    forged = await site.client.get(link.group(1)[:-3] + "xyz")
    assert forged.status == 404 and "This link is not valid" in await forged.text()
    for path in ("/unsubscribe/nonsense", "/preferences/nonsense", "/confirm/nonsense"):
        response = await site.client.get(path + "?lang=fr")
        assert response.status == 404 and "Ce lien n&#39;est pas valide" in await response.text()
    assert (await site.client.post("/unsubscribe/nonsense")).status == 404

    class EightDaysAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 8 * 24 * 3600

    joao = await subscriber(site, "joao@example.pt")
    old = URLSafeTimedSerializer("web-test-key", salt="aive.confirm", signer=EightDaysAgo).dumps(
        [joao.id, fingerprint(joao.email_key)]
    )
    expired = await site.client.get(f"/confirm/{old}")
    assert expired.status == 410 and "Esta ligação expirou" in await expired.text()
    assert (await subscriber(site, "joao@example.pt")).status is SubscriberStatus.pending


async def test_post_without_csrf_token_is_refused_with_a_clear_page(site: Site) -> None:
    response = await site.client.post(
        "/subscribe?lang=es", data={"email": "ana@example.es", "language": "es"}
    )
    assert response.status == 403 and "Este formulario ha caducado" in await response.text()
    # a token from another browser (different cookie) is refused too
    page = await site.client.get("/subscribe")
    token = csrf_of(await page.text())
    async with TestClient(TestServer(site.client.app)) as other:  # type: ignore[arg-type]
        stolen = await other.post("/subscribe", data={"csrf_token": token, "email": "a@b.org"})
        assert stolen.status == 403
    async with site.sessions() as session:
        assert (await session.scalars(select(Subscriber))).all() == []
    assert site.mailer.sent == []


async def test_bad_input_shows_the_form_again_with_reasons(site: Site) -> None:
    status, html = await subscribe(site, "not an address", networks="atlantis")
    assert status == 400
    assert "Escreva um endereço de email válido" in html
    assert "Escolha pelo menos uma rede" in html
    assert 'value="not an address"' in html  # what was typed is kept
    status, html = await subscribe(site, "<script>@x", name="<b>me</b>")
    assert "<b>me</b>" not in html and "&lt;b&gt;me&lt;/b&gt;" in html


async def test_an_address_our_mail_cannot_carry_is_refused_with_a_clear_reason(
    site: Site,
) -> None:
    status, html = await subscribe(site, "josé@example.pt")
    assert status == 400
    assert "letras acentuadas ou não latinas antes do @" in html
    assert site.mailer.sent == []
    status, _ = await subscribe(site, "joao@xn--exmple-cua.pt")  # an IDN domain is fine
    assert status == 200 and len(site.mailer.sent) == 1


async def test_subscribing_twice_neither_reveals_membership_nor_spams(site: Site) -> None:
    first = await subscribe(site, "joao@example.pt")
    second = await subscribe(site, "JOAO@example.pt")
    assert first == second  # same page whatever we know
    assert len(site.mailer.sent) == 1  # pending: at most one email an hour
    site.clock.now += timedelta(hours=1, minutes=1)
    await subscribe(site, "joao@example.pt")
    assert len(site.mailer.sent) == 2
    link = re.search(r"http://aive\.test(/confirm/\S+)", site.mailer.sent[-1].text)
    assert link
    await confirm(site, link.group(0))
    site.clock.now += timedelta(days=1)
    status, html = await subscribe(site, "joao@example.pt", language="es", networks="spain")
    assert (status, html) == first
    assert len(site.mailer.sent) == 2  # confirmed: nothing sent, nothing changed
    joao = await subscriber(site, "joao@example.pt")
    assert (joao.status, joao.language, joao.networks) == (
        SubscriberStatus.confirmed,
        "pt",
        ["portugal"],
    )


async def test_after_unsubscribing_a_new_subscription_needs_a_new_confirmation(site: Site) -> None:
    await subscribe(site, "joao@example.pt")
    joao = await subscriber(site, "joao@example.pt")
    await site.client.post(path_of(unsubscribe_url(Keys(), joao)))
    await subscribe(site, "joao@example.pt")
    joao = await subscriber(site, "joao@example.pt")
    assert joao.status is SubscriberStatus.pending and len(site.mailer.sent) == 2
    assert "subscribers.resubscribed" in await actions(site)


async def test_too_many_subscriptions_from_one_address_get_429(site: Site) -> None:
    for i in range(5):
        status, _ = await subscribe(site, f"person{i}@example.org")
        assert status == 200
    status, html = await subscribe(site, "person6@example.org")
    assert status == 429 and "Aguarde 10 minutos" in html
    site.clock.tick += 601
    status, _ = await subscribe(site, "person6@example.org")
    assert status == 200


async def test_preferences_change_language_networks_and_pause(site: Site) -> None:
    await subscribe(site, "joao@example.pt")
    joao = await subscriber(site, "joao@example.pt")
    url = path_of(preferences_url(Keys(), joao))
    page = await site.client.get(url)
    html = await page.text()
    assert page.status == 200 and 'value="portugal" checked' in html
    token = csrf_of(html)
    refused = await site.client.post(url, data={"language": "es", "networks": "spain"})
    assert refused.status == 403
    saved = await site.client.post(
        url,
        data=[
            ("csrf_token", token),
            ("language", "es"),
            ("networks", "spain"),
            ("networks", "portugal"),
            ("paused", "1"),
        ],
    )
    assert saved.status == 200 and "Tus preferencias se han guardado" in await saved.text()
    joao = await subscriber(site, "joao@example.pt")
    assert (joao.language, joao.networks, joao.paused) == ("es", ["spain", "portugal"], True)
    assert "subscribers.paused" in await actions(site)
    empty = await site.client.post(url, data={"csrf_token": token, "language": "es"})
    assert empty.status == 400
    assert (await subscriber(site, "joao@example.pt")).networks == ["spain", "portugal"]


async def test_links_die_when_the_address_changes(site: Site) -> None:
    await subscribe(site, "joao@example.pt")
    joao = await subscriber(site, "joao@example.pt")
    old = path_of(unsubscribe_url(Keys(), joao))
    async with site.sessions() as session:
        row = await session.get(Subscriber, joao.id)
        assert row is not None
        row.email = "joao@novo.example.pt"
        await session.commit()
    response = await site.client.post(old, data="List-Unsubscribe=One-Click")
    assert response.status == 404
    assert (await subscriber(site, "joao@novo.example.pt")).status is SubscriberStatus.pending


async def test_a_mail_failure_is_logged_and_a_retry_sends_the_confirmation(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    site.mailer.fail = True
    status, _ = await subscribe(site, "joao@example.pt")
    assert status == 200, "the answer never tells whether an email went out"
    assert "confirmation email not sent" in caplog.text
    site.mailer.fail = False
    status, _ = await subscribe(site, "joao@example.pt")
    assert status == 200 and len(site.mailer.sent) == 1


async def test_new_and_known_addresses_get_their_answer_in_the_same_time(site: Site) -> None:
    site.mailer.delay = 0.3
    await subscribe(site, "known@example.pt")
    joao = await subscriber(site, "known@example.pt")
    await confirm(site, confirm_link(site))
    assert (await subscriber(site, joao.email)).status is SubscriberStatus.confirmed

    async def answer_time(email: str) -> float:
        form_page = await site.client.get("/subscribe?lang=pt")
        data = {
            "csrf_token": csrf_of(await form_page.text()),
            "email": email,
            "language": "pt",
            "networks": "portugal",
        }
        started = time.perf_counter()
        response = await site.client.post("/subscribe?lang=pt", data=data)
        assert response.status == 200
        return time.perf_counter() - started

    known, new = await answer_time("known@example.pt"), await answer_time("new@example.pt")
    assert new < 0.15 and known < 0.15, (known, new)
    await site.pages.emails_sent()
    assert [m.to for m in site.mailer.sent] == ["known@example.pt", "new@example.pt"]


async def test_the_running_app_writes_the_confirmation_to_the_outbox(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    from app.context import AppContext
    from app.settings import load_settings
    from app.web import build_web_app
    from storage.engine import create_session_factory

    sessions = create_session_factory(engine)
    async with sessions() as session:
        await load_seed(session)
        await session.commit()
    settings = load_settings(
        outbox_dir=tmp_path / "outbox", secret_key="app-key", public_url="http://aive.test"
    )
    app = build_web_app(AppContext(settings, engine, sessions))
    async with TestClient(TestServer(app)) as client:
        form = await client.get("/subscribe?lang=pt")
        response = await client.post(
            "/subscribe?lang=pt",
            data={
                "csrf_token": csrf_of(await form.text()),
                "email": "joao@example.pt",
                "language": "pt",
                "networks": "portugal",
            },
        )
        assert response.status == 200
        await app[SITE].emails_sent()
        [eml] = list((tmp_path / "outbox").glob("confirmation-*.eml"))
        mail = message_from_bytes(eml.read_bytes(), policy=policy.default)
        html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
        link = re.search(r'href="http://aive\.test(/confirm/[^"]+)"', html)
        assert link and 'name="viewport"' in html
        page = await client.get(link.group(1))
        button = await client.post(link.group(1), data={"csrf_token": csrf_of(await page.text())})
        assert button.status == 200
    async with sessions() as session:
        joao = await session.scalar(select(Subscriber))
        assert joao is not None and joao.status is SubscriberStatus.confirmed


async def test_the_subscribe_limit_is_a_setting(engine: AsyncEngine, tmp_path: Path) -> None:
    from app.context import AppContext
    from app.settings import load_settings
    from app.web import build_web_app
    from storage.engine import create_session_factory

    sessions = create_session_factory(engine)
    async with sessions() as session:
        await load_seed(session)
        await session.commit()
    settings = load_settings(
        outbox_dir=tmp_path / "outbox",
        secret_key="app-key",
        subscribe_limit=2,
        subscribe_window_minutes=3,
    )
    app = build_web_app(AppContext(settings, engine, sessions))
    async with TestClient(TestServer(app)) as client:
        statuses = []
        for i in range(3):
            form = await client.get("/subscribe?lang=pt")
            response = await client.post(
                "/subscribe?lang=pt",
                data={
                    "csrf_token": csrf_of(await form.text()),
                    "email": f"person{i}@example.pt",
                    "language": "pt",
                    "networks": "portugal",
                },
            )
            statuses.append(response.status)
        assert statuses == [200, 200, 429]
        assert "Aguarde 3 minutos" in await response.text()
        await app[SITE].emails_sent()


async def form_shown_in(site: Site, lang: str, browser: str) -> str:
    page = await site.client.get(f"/subscribe?lang={lang}", headers={"Accept-Language": browser})
    html = await page.text()
    assert f'<html lang="{lang}">' in html
    return csrf_of(html)


async def test_a_form_answers_in_the_language_it_was_shown_in(site: Site) -> None:
    # a Catalan form sent without a network: the reasons come back in Catalan
    token = await form_shown_in(site, "ca", "en-US,en;q=0.9")
    response = await site.client.post(
        "/subscribe",
        data={"csrf_token": token, "page_lang": "ca", "email": "m@example.cat", "language": "ca"},
        headers={"Accept-Language": "en-US,en;q=0.9"},
    )
    html = await response.text()
    assert response.status == 400 and '<html lang="ca">' in html
    assert "Please choose" not in html
    # a Portuguese sign-up from a browser set to en-US: "check your inbox" in Portuguese
    token = await form_shown_in(site, "pt", "en-US,en;q=0.9")
    response = await site.client.post(
        "/subscribe",
        data={
            "csrf_token": token,
            "page_lang": "pt",
            "email": "joao@example.pt",
            "language": "pt",
            "networks": "portugal",
        },
        headers={"Accept-Language": "en-US,en;q=0.9"},
    )
    html = await response.text()
    assert response.status == 200 and '<html lang="pt">' in html
    assert "Check your inbox" not in html
    await site.pages.emails_sent()
