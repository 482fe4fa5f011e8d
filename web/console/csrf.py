"""CSRF: every console POST carries `csrf_token` (a form field, or the `X-CSRF-Token` header
htmx sends), an HMAC of the visitor's random CSRF cookie under the signing key."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from aiohttp import web

CSRF_COOKIE = "aive_console_csrf"
NONCE = web.RequestKey("console_csrf_nonce", str)
NEW_NONCE = web.RequestKey("console_csrf_new", bool)


def visitor_nonce(request: web.Request) -> str:
    """The visitor's nonce (from the cookie, or a new one the response will set)."""
    if NONCE not in request:
        nonce = request.cookies.get(CSRF_COOKIE, "")
        if len(nonce) < 16 or len(nonce) > 64:
            nonce = secrets.token_urlsafe(24)
            request[NEW_NONCE] = True
        request[NONCE] = nonce
    return request[NONCE]


def _key(request: web.Request) -> bytes:
    from web.console.config import console_config

    return console_config(request).signing_key.encode()


def csrf_token(request: web.Request) -> str:
    nonce = visitor_nonce(request)
    return hmac.new(_key(request), b"console-csrf:" + nonce.encode(), hashlib.sha256).hexdigest()


async def csrf_valid(request: web.Request) -> bool:
    """Whether a POST carries the visitor's token (a visitor without the cookie never does)."""
    if CSRF_COOKIE not in request.cookies:
        return False
    sent = request.headers.get("X-CSRF-Token", "")
    if not sent and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        value = (await request.post()).get("csrf_token", "")
        sent = value if isinstance(value, str) else ""
    return bool(sent) and hmac.compare_digest(sent, csrf_token(request))
