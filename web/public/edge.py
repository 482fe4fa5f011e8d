"""What every request to the site goes through before and after its route.

Before: the body is read within `read_timeout` seconds (a client slower than that gets 408); a
path with a control character leads nowhere (404); a query or form value with one, or a form body
we cannot decode (bytes that are not in its charset, an unknown charset, a missing or broken
multipart boundary), is refused (400). No route, and no database, ever sees such text (PostgreSQL
refuses NUL in text). After: an error status a route raised without a body of its own (aiohttp's
"404: Not Found") becomes a page in the reader's language, and so does a failure (500, logged).
Every response, files and redirects included, says `X-Content-Type-Options: nosniff`; every HTML
page carries a content security policy that forbids framing (unless its route set a stricter
one); with `hsts`, every response carries `Strict-Transport-Security`.

Install with `setup_web_edge(app, EdgeConfig(...))`; the language defaults to the subscription
site's when it is mounted, else English.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.typedefs import Handler

from newsletter.subscriptions.i18n import choose_language, gettext
from web.public.site import SITE, message

log = logging.getLogger(__name__)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# C0 controls but tab, CR and LF (a textarea may hold those), and DEL
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# pages may show images from anywhere on the web (a bulletin's), nothing else from outside
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass(frozen=True, slots=True)
class EdgeConfig:
    hsts: bool = False  # only behind HTTPS (AIVE_ENV=production)
    read_timeout: float = 30.0  # seconds to send the whole body


EDGE = web.AppKey("web_edge", EdgeConfig)


def setup_web_edge(app: web.Application, config: EdgeConfig) -> None:
    app[EDGE] = config
    app.middlewares.append(web_edge)
    app.on_response_prepare.append(security_headers)


@web.middleware
async def web_edge(request: web.Request, handler: Handler) -> web.StreamResponse:
    if ANY_CONTROL.search(request.path):
        return error_page(request, 404)
    if any(ANY_CONTROL.search(k) or ANY_CONTROL.search(v) for k, v in request.query.items()):
        return error_page(request, 400)
    try:
        async with asyncio.timeout(request.app[EDGE].read_timeout):
            refused = await _refused_body(request)
    except TimeoutError:
        return error_page(request, 408)
    if refused:
        return error_page(request, 400)
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.text != f"{exc.status}: {exc.reason}":
            raise  # a redirect, or an answer the route worded itself
        return error_page(request, exc.status)
    except Exception:  # a failure: logged for us, a page for the reader, never the details
        log.exception("web: %s %s failed", request.method, request.path)
        return error_page(request, 500)


async def _refused_body(request: web.Request) -> bool:
    """Read the body (routes then get it from aiohttp's cache); True when it cannot be read."""
    if not request.can_read_body:
        return False
    if request.method != "POST" or request.content_type not in FORM_TYPES:
        await request.read()
        return False
    try:
        form = await request.post()
    except (ValueError, LookupError, HttpProcessingError):
        return True
    return any(isinstance(v, str) and CONTROL.search(v) for v in form.values())


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    if response.content_type == "text/html":
        headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
    if request.app[EDGE].hsts:
        headers["Strict-Transport-Security"] = "max-age=31536000"


def error_page(request: web.Request, status: int) -> web.Response:
    """The page for a refused request, in the reader's language."""
    site = request.app.get(SITE)
    lang = choose_language(
        _printable(request.query.get("lang")),
        request.headers.get("Accept-Language"),
        site.default_language if site else "en",
    )
    if status == 404:
        title = gettext(lang, "We could not find this page")
        reason = gettext(lang, "The address may be mistyped, incomplete or out of date.")
    elif status == 408:
        title = gettext(lang, "This request took too long")
        reason = gettext(lang, "Your connection sent it too slowly. Please try again.")
    elif status == 500:
        title = gettext(lang, "Something went wrong on our side")
        reason = gettext(
            lang, "We could not show this page. Nothing has been lost: please try again later."
        )
    elif status == 413:
        title = gettext(lang, "This request is too large")
        reason = gettext(lang, "Please send less at once.")
    else:
        title = gettext(lang, "We could not read this request")
        reason = gettext(
            lang, "Please go back, reload the page and try again. Nothing has been changed."
        )
    archive = (f"/archive/?lang={lang}", gettext(lang, "Go to the bulletin archive"))
    return message(lang, title, [reason], status=status, link=archive)


def _printable(value: str | None) -> str | None:
    return None if value is None or ANY_CONTROL.search(value) else value
