"""Subscription pages: `/subscribe`, `/confirm/{token}`, `/preferences/{token}`,
`/unsubscribe/{token}` (server-rendered, in the visitor's language).

Wire them with `setup_subscription_routes(app, SubscriptionSite(...))`. Forms carry a signed
double-submit CSRF token (cookie + hidden field), except the unsubscribe POST, which must work
for RFC 8058 one-click requests sent by mail providers without any cookie. GET never changes
anything but the confirm link, which is the double opt-in itself.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from newsletter.subscriptions import service
from newsletter.subscriptions.addresses import AddressError, normalize_address
from newsletter.subscriptions.confirmation import confirmation_message
from newsletter.subscriptions.i18n import LANGUAGES, choose_language, gettext, render
from newsletter.subscriptions.mailer import Mailer, MailerError
from newsletter.subscriptions.ratelimit import SlidingWindowLimiter
from newsletter.subscriptions.tokens import (
    TokenError,
    TokenSettings,
    csrf_form_token,
    csrf_valid,
    preferences_url,
    read_confirm_token,
    read_preferences_token,
    read_unsubscribe_token,
    unsubscribe_url,
)
from storage.engine import SessionFactory
from storage.subscribers import Subscriber, SubscriberStatus

log = logging.getLogger(__name__)
CSRF_COOKIE = "aive_csrf"
ONE_CLICK_BODY = "List-Unsubscribe=One-Click"


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


SITE = web.AppKey("subscription_site", SubscriptionSite)


def setup_subscription_routes(app: web.Application, site: SubscriptionSite) -> None:
    """Add the four subscription routes to `app`."""
    app[SITE] = site
    app.router.add_get("/subscribe", subscribe_form)
    app.router.add_post("/subscribe", subscribe_submit)
    app.router.add_get("/confirm/{token}", confirm_page)
    app.router.add_get("/unsubscribe/{token}", unsubscribe_page)
    app.router.add_post("/unsubscribe/{token}", unsubscribe_submit)
    app.router.add_get("/preferences/{token}", preferences_page)
    app.router.add_post("/preferences/{token}", preferences_submit)


# ---------------------------------------------------------------- helpers


def _page(lang: str, template: str, status: int = 200, **context: object) -> web.Response:
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


def _message(
    lang: str,
    title: str,
    paragraphs: Sequence[str],
    status: int = 200,
    link: tuple[str, str] | None = None,
) -> web.Response:
    return _page(
        lang,
        "message.html",
        status,
        title=title,
        paragraphs=paragraphs,
        link_url=link[0] if link else None,
        link_text=link[1] if link else None,
    )


def _lang(request: web.Request, known: str | None = None) -> str:
    site = request.app[SITE]
    return choose_language(
        request.query.get("lang"),
        request.headers.get("Accept-Language"),
        site.default_language,
        known_preference=known,
    )


def client_ip(request: web.Request, trusted_proxy: bool) -> str:
    """The visitor's address; X-Forwarded-For only when we sit behind a trusted proxy, whose
    own entry is the last one."""
    if trusted_proxy:
        forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if forwarded:
            return forwarded[-1]
    return request.remote or "unknown"


def _csrf_nonce(request: web.Request) -> tuple[str, bool]:
    """The visitor's CSRF nonce and whether it is new (to be set as a cookie)."""
    nonce = request.cookies.get(CSRF_COOKIE, "")
    if len(nonce) >= 16:
        return nonce, False
    return secrets.token_urlsafe(24), True


def _with_csrf_cookie(
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


def _csrf_ok(request: web.Request, form: MultiDictProxy[Any]) -> bool:
    token = form.get("csrf_token")
    return isinstance(token, str) and csrf_valid(
        request.app[SITE].settings, token, request.cookies.get(CSRF_COOKIE, "")
    )


def _csrf_refused(lang: str) -> web.Response:
    return _message(
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


def _bad_link(lang: str, expired: bool) -> web.Response:
    if expired:
        return _message(
            lang,
            gettext(lang, "This link has expired"),
            [gettext(lang, "Confirmation links are valid for 7 days. Please subscribe again.")],
            status=410,
            link=(f"/subscribe?lang={lang}", gettext(lang, "Subscribe again")),
        )
    return _message(
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


def _strings(form: MultiDictProxy[Any], key: str) -> list[str]:
    return [v.strip() for v in form.getall(key, []) if isinstance(v, str) and v.strip()]


def _string(form: MultiDictProxy[Any], key: str) -> str:
    value = form.get(key, "")
    return value.strip() if isinstance(value, str) else ""


# ---------------------------------------------------------------- /subscribe


async def _subscribe_page(
    request: web.Request,
    lang: str,
    form: dict[str, object],
    errors: Sequence[str] = (),
    status: int = 200,
) -> web.Response:
    return await _form_page(
        request,
        lang,
        "subscribe.html",
        status,
        title=gettext(lang, "Subscribe to the bulletin"),
        switch_url="/subscribe",
        form=form,
        errors=errors,
    )


async def _form_page(
    request: web.Request, lang: str, template: str, status: int, **context: object
) -> web.Response:
    """A page with a form: the networks to choose from, and a fresh CSRF token and cookie."""
    site = request.app[SITE]
    async with site.sessions() as session:
        networks = await service.network_names(session, lang)
    nonce, new = _csrf_nonce(request)
    response = _page(
        lang,
        template,
        status,
        networks=networks,
        csrf_token=csrf_form_token(site.settings, nonce),
        **context,
    )
    return _with_csrf_cookie(request, response, nonce, new)


async def subscribe_form(request: web.Request) -> web.Response:
    lang = _lang(request)
    return await _subscribe_page(
        request, lang, {"email": "", "name": "", "language": lang, "networks": []}
    )


async def subscribe_submit(request: web.Request) -> web.Response:
    site = request.app[SITE]
    lang = _lang(request)
    ip = client_ip(request, site.trusted_proxy)
    if not site.limiter.hit(ip, site.monotonic()):
        minutes = max(1, round(site.limiter.retry_after(ip, site.monotonic()) / 60))
        response = _message(
            lang,
            gettext(lang, "Too many attempts"),
            [gettext(lang, "Please wait %(minutes)s minutes and try again.", minutes=minutes)],
            status=429,
        )
        response.headers["Retry-After"] = str(minutes * 60)
        return response
    form = await request.post()
    if not _csrf_ok(request, form):
        return _csrf_refused(lang)
    values: dict[str, object] = {
        "email": _string(form, "email")[:320],
        "name": _string(form, "name")[:200],
        "language": _string(form, "language"),
        "networks": _strings(form, "networks"),
    }
    errors: list[str] = []
    try:
        email = normalize_address(str(values["email"]))
    except AddressError:
        errors.append(gettext(lang, "Please enter a valid email address, like name@example.org."))
    if values["language"] not in LANGUAGES:
        values["language"] = lang
        errors.append(gettext(lang, "Please choose the language of the bulletin."))
    async with site.sessions() as session:
        known = await service.known_network_slugs(session)
    chosen = [n for n in values["networks"] if n in known]  # type: ignore[attr-defined]
    if not chosen:
        errors.append(gettext(lang, "Please choose at least one network."))
    if errors:
        return await _subscribe_page(request, lang, values, errors, status=400)
    async with site.sessions() as session:
        result = await service.request_subscription(
            session,
            email,
            str(values["name"]) or None,
            str(values["language"]),
            chosen,
            site.clock(),
        )
        await session.commit()
        if result.send_confirmation:
            try:
                await site.mailer.send(confirmation_message(site.settings, result.subscriber))
            except MailerError as exc:
                log.error("confirmation email not sent: %s", exc)
                return _message(
                    lang,
                    gettext(lang, "We could not send the email"),
                    [gettext(lang, "Please try again in a few minutes.")],
                    status=503,
                )
            service.confirmation_sent(session, result.subscriber, "web", site.clock())
            await session.commit()
    # the same answer whether the address was new, pending or already confirmed
    return _message(
        lang,
        gettext(lang, "Check your inbox"),
        [
            gettext(
                lang,
                "If this address can subscribe, we have sent it an email with a link to "
                "confirm. Click it to start receiving the bulletin.",
            ),
            gettext(lang, "Nothing there after a few minutes? Look in the spam folder."),
        ],
    )


# ---------------------------------------------------------------- /confirm


async def confirm_page(request: web.Request) -> web.Response:
    site = request.app[SITE]
    try:
        claim = read_confirm_token(site.settings, request.match_info["token"])
    except TokenError as exc:
        known = None
        if exc.claim is not None:
            async with site.sessions() as session:
                expired_for = await service.find_by_claim(session, exc.claim)
                known = expired_for.language if expired_for else None
        return _bad_link(_lang(request, known), exc.expired)
    async with site.sessions() as session:
        subscriber = await service.find_by_claim(session, claim)
        if subscriber is None:
            return _bad_link(_lang(request), expired=False)
        lang = _lang(request, subscriber.language)
        outcome = await service.confirm(session, subscriber, site.clock())
        await session.commit()
        links = preferences_url(site.settings, subscriber)
    if outcome is service.ConfirmOutcome.not_pending:
        return _message(
            lang,
            gettext(lang, "This link is no longer valid"),
            [gettext(lang, "You are not subscribed. To receive the bulletin, subscribe again.")],
            status=410,
            link=(f"/subscribe?lang={lang}", gettext(lang, "Subscribe again")),
        )
    return _message(
        lang,
        gettext(lang, "Your subscription is confirmed"),
        [gettext(lang, "Thank you! You will receive the next bulletin in your inbox.")],
        link=(links, gettext(lang, "Choose your networks and language")),
    )


# ---------------------------------------------------------------- /unsubscribe


def _unsubscribed_page(lang: str) -> web.Response:
    return _message(
        lang,
        gettext(lang, "You are unsubscribed"),
        [gettext(lang, "You will not receive any more emails from us.")],
        link=(f"/subscribe?lang={lang}", gettext(lang, "Changed your mind? Subscribe again")),
    )


async def unsubscribe_page(request: web.Request) -> web.Response:
    """Shows a button; a GET (e.g. a link scanner) changes nothing."""
    site = request.app[SITE]
    try:
        claim = read_unsubscribe_token(site.settings, request.match_info["token"])
    except TokenError:
        return _bad_link(_lang(request), expired=False)
    async with site.sessions() as session:
        subscriber = await service.find_by_claim(session, claim)
    if subscriber is None:
        return _bad_link(_lang(request), expired=False)
    lang = _lang(request, subscriber.language)
    if subscriber.status not in (SubscriberStatus.pending, SubscriberStatus.confirmed):
        return _unsubscribed_page(lang)
    return _page(
        lang,
        "unsubscribe.html",
        title=gettext(lang, "Unsubscribe"),
        email=subscriber.email,
        action=f"{request.path}?lang={lang}",
        preferences_link=preferences_url(site.settings, subscriber),
    )


async def unsubscribe_submit(request: web.Request) -> web.Response:
    """Unsubscribes at once: the page's button, or an RFC 8058 one-click POST (no cookie)."""
    site = request.app[SITE]
    try:
        claim = read_unsubscribe_token(site.settings, request.match_info["token"])
    except TokenError:
        return _bad_link(_lang(request), expired=False)
    body = await request.post()
    how = "one-click" if body.get("List-Unsubscribe") == "One-Click" else "web page"
    async with site.sessions() as session:
        subscriber = await service.find_by_claim(session, claim)
        if subscriber is None:
            return _bad_link(_lang(request), expired=False)
        lang = _lang(request, subscriber.language)
        await service.unsubscribe(session, subscriber, how, site.clock())
        await session.commit()
    return _unsubscribed_page(lang)


# ---------------------------------------------------------------- /preferences


async def _preferences_response(
    request: web.Request,
    subscriber: Subscriber,
    lang: str,
    form: dict[str, object],
    errors: Sequence[str] = (),
    saved: bool = False,
    status: int = 200,
) -> web.Response:
    return await _form_page(
        request,
        lang,
        "preferences.html",
        status,
        title=gettext(lang, "Your preferences"),
        switch_url=request.path,
        email=subscriber.email,
        form=form,
        errors=errors,
        saved=saved,
        action=f"{request.path}?lang={lang}",
        unsubscribe_link=unsubscribe_url(request.app[SITE].settings, subscriber),
    )


async def _load_for_preferences(request: web.Request) -> Subscriber | web.Response:
    site = request.app[SITE]
    try:
        claim = read_preferences_token(site.settings, request.match_info["token"])
    except TokenError:
        return _bad_link(_lang(request), expired=False)
    async with site.sessions() as session:
        subscriber = await service.find_by_claim(session, claim)
    if subscriber is None:
        return _bad_link(_lang(request), expired=False)
    if subscriber.status not in (SubscriberStatus.pending, SubscriberStatus.confirmed):
        lang = _lang(request, subscriber.language)
        return _message(
            lang,
            gettext(lang, "You are not subscribed"),
            [gettext(lang, "You do not receive the bulletin any more.")],
            link=(f"/subscribe?lang={lang}", gettext(lang, "Subscribe again")),
        )
    return subscriber


async def preferences_page(request: web.Request) -> web.Response:
    found = await _load_for_preferences(request)
    if isinstance(found, web.Response):
        return found
    lang = _lang(request, found.language)
    form = {"language": found.language, "networks": found.networks, "paused": found.paused}
    return await _preferences_response(request, found, lang, form)


async def preferences_submit(request: web.Request) -> web.Response:
    site = request.app[SITE]
    found = await _load_for_preferences(request)
    if isinstance(found, web.Response):
        return found
    lang = _lang(request, found.language)
    form = await request.post()
    if not _csrf_ok(request, form):
        return _csrf_refused(lang)
    language = _string(form, "language")
    values: dict[str, object] = {
        "language": language if language in LANGUAGES else found.language,
        "networks": _strings(form, "networks"),
        "paused": _string(form, "paused") == "1",
    }
    async with site.sessions() as session:
        known = await service.known_network_slugs(session)
        chosen = [n for n in values["networks"] if n in known]  # type: ignore[attr-defined]
        if not chosen:
            error = gettext(lang, "Please choose at least one network.")
            return await _preferences_response(request, found, lang, values, [error], status=400)
        subscriber = await session.get(Subscriber, found.id)
        assert subscriber is not None
        await service.change_preferences(
            session, subscriber, str(values["language"]), chosen, bool(values["paused"])
        )
        await session.commit()
        values["networks"] = subscriber.networks
    lang = str(values["language"])  # answer in the language just chosen
    return await _preferences_response(request, subscriber, lang, values, saved=True)
