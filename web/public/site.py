"""What every subscription page shares: the site's wiring (`SubscriptionSite`), the page and
message responses with their security headers, the visitor's language, and the signed
double-submit CSRF token (cookie + hidden field)."""

from __future__ import annotations

import asyncio
import ipaddress
import secrets
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from newsletter.subscriptions import service
from newsletter.subscriptions.i18n import LANGUAGES, choose_language, gettext, render
from newsletter.subscriptions.mailer import Mailer
from newsletter.subscriptions.ratelimit import SlidingWindowLimiter
from newsletter.subscriptions.tokens import TokenSettings, csrf_form_token, csrf_valid
from storage.engine import SessionFactory

CSRF_COOKIE = "aive_csrf"


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class SubscriptionSite:
    """What the pages need, built once by the composition root."""

    sessions: SessionFactory
    settings: TokenSettings
    mailer: Mailer
    default_language: str = "en"
    trusted_proxy: bool = False
    limiter: SlidingWindowLimiter = field(default_factory=lambda: SlidingWindowLimiter(5, 600))
    clock: Callable[[], datetime] = _utcnow
    monotonic: Callable[[], float] = time.monotonic
    _sending: set[asyncio.Task[None]] = field(default_factory=set, init=False, repr=False)

    def send_later(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` (an email to send) after the answer, so that how long a page takes
        never tells whether an email went out."""
        task = asyncio.create_task(work)
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def emails_sent(self) -> None:
        """Wait until the emails `send_later` was given are sent (or failed)."""
        while self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)


SITE = web.AppKey("subscription_site", SubscriptionSite)


def page(lang: str, template: str, status: int = 200, **context: object) -> web.Response:
    response = web.Response(
        text=render(lang, template, **context), status=status, content_type="text/html"
    )
    # links carry secret tokens: keep them out of caches, referrers and frames
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    return response


def message(
    lang: str,
    title: str,
    paragraphs: Sequence[str],
    status: int = 200,
    link: tuple[str, str] | None = None,
) -> web.Response:
    return page(
        lang,
        "message.html",
        status,
        title=title,
        paragraphs=paragraphs,
        link_url=link[0] if link else None,
        link_text=link[1] if link else None,
    )


def visitor_lang(request: web.Request, known: str | None = None) -> str:
    site = request.app[SITE]
    return choose_language(
        request.query.get("lang"),
        request.headers.get("Accept-Language"),
        site.default_language,
        known_preference=known,
    )


def form_lang(request: web.Request, form: MultiDictProxy[Any]) -> str:
    """The language the submitted form was shown in (its hidden `page_lang` field), else the
    visitor's: a form answers in the language the reader was reading."""
    shown = form.get("page_lang")
    return shown if isinstance(shown, str) and shown in LANGUAGES else visitor_lang(request)


def client_key(request: web.Request, trusted_proxy: bool) -> str:
    """Who the visitor is, for the rate limit: their address, an IPv6 one by its /64 (what one
    household or host gets). Behind a trusted proxy, the last X-Forwarded-For address over all
    the header's lines (the one the proxy appended; earlier ones come from the client). Any
    text that is no IP address counts as one same visitor."""
    address = request.remote or ""
    if trusted_proxy:
        lines = request.headers.getall("X-Forwarded-For", [])
        forwarded = [p.strip() for line in lines for p in line.split(",") if p.strip()]
        if forwarded:
            address = forwarded[-1]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "invalid"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def csrf_nonce(request: web.Request) -> tuple[str, bool]:
    """The visitor's CSRF nonce and whether it is new (to be set as a cookie)."""
    nonce = request.cookies.get(CSRF_COOKIE, "")
    if len(nonce) >= 16:
        return nonce, False
    return secrets.token_urlsafe(24), True


def with_csrf_cookie(
    request: web.Request, response: web.Response, nonce: str, new: bool
) -> web.Response:
    if new:
        site = request.app[SITE]
        response.set_cookie(
            CSRF_COOKIE,
            nonce,
            httponly=True,
            samesite="Lax",
            secure=site.settings.public_url.startswith("https://"),
            path="/",
        )
    return response


def csrf_ok(request: web.Request, form: MultiDictProxy[Any]) -> bool:
    token = form.get("csrf_token")
    return isinstance(token, str) and csrf_valid(
        request.app[SITE].settings, token, request.cookies.get(CSRF_COOKIE, "")
    )


def csrf_refused(lang: str) -> web.Response:
    return message(
        lang,
        gettext(lang, "This form has expired"),
        [
            gettext(
                lang,
                "For your security we could not accept this form. It may have been open for "
                "too long, or your browser blocks cookies. Please reload the page and try again.",
            )
        ],
        status=403,
    )


def bad_link(lang: str, expired: bool) -> web.Response:
    if expired:
        return message(
            lang,
            gettext(lang, "This link has expired"),
            [gettext(lang, "Confirmation links are valid for 7 days. Please subscribe again.")],
            status=410,
            link=(f"/subscribe?lang={lang}", gettext(lang, "Subscribe again")),
        )
    return message(
        lang,
        gettext(lang, "This link is not valid"),
        [
            gettext(
                lang,
                "The link may be incomplete: try copying the whole address from the email. "
                "Nothing has been changed.",
            )
        ],
        status=404,
    )


def form_strings(form: MultiDictProxy[Any], key: str) -> list[str]:
    return [v.strip() for v in form.getall(key, []) if isinstance(v, str) and v.strip()]


def form_string(form: MultiDictProxy[Any], key: str) -> str:
    value = form.get(key, "")
    return value.strip() if isinstance(value, str) else ""


async def form_page(
    request: web.Request, lang: str, template: str, status: int, **context: object
) -> web.Response:
    """A page with a form: the networks to choose from, and a fresh CSRF token and cookie."""
    site = request.app[SITE]
    async with site.sessions() as session:
        networks = await service.network_names(session, lang)
    nonce, new = csrf_nonce(request)
    response = page(
        lang,
        template,
        status,
        networks=networks,
        csrf_token=csrf_form_token(site.settings, nonce),
        **context,
    )
    return with_csrf_cookie(request, response, nonce, new)
