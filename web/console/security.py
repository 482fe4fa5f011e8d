"""The console's middleware: who is signed in (`request[STAFF]`), CSRF on every POST, the
CSRF cookie, a strict content security policy (no inline script), and errors as console
pages (a `storage.errors.NotFound` a route lets through is the 404 page)."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from storage.errors import NotFound
from web.console.access import STAFF
from web.console.config import console_config
from web.console.csrf import CSRF_COOKIE, NEW_NONCE, csrf_valid, visitor_nonce
from web.console.sessions import load_staff

PREFIX = "/console"
STATIC = "/console/static/"
# htmx is configured by a <meta> tag (no inline style, no eval); the draft preview is a frame
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)


def is_console(request: web.Request) -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


@web.middleware
async def console_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not is_console(request):
        return await handler(request)
    if not request.path.startswith(STATIC):  # files need no session (nor a query)
        staff = await load_staff(request)
        if staff is not None:
            request[STAFF] = staff
    visitor_nonce(request)
    try:
        if request.method == "POST" and not await csrf_valid(request):
            response: web.StreamResponse = await error_response(request, 403, csrf=True)
        else:
            response = await handler(request)
    except NotFound:  # a storage lookup of an id in the path that names nothing
        response = await error_response(request, 404)
    except web.HTTPException as exc:
        if exc.status in (403, 404) and exc.text == f"{exc.status}: {exc.reason}":
            response = await error_response(request, exc.status)
        else:
            _with_cookie(request, exc)
            raise
    _with_cookie(request, response)
    return response


def _with_cookie(request: web.Request, response: web.StreamResponse) -> None:
    # set here, before the site's own headers: a route may set a policy of its own
    response.headers.setdefault("Content-Security-Policy", POLICY)
    if request.get(NEW_NONCE):
        response.set_cookie(
            CSRF_COOKIE,
            visitor_nonce(request),
            path=PREFIX,
            httponly=True,
            samesite="Strict",
            secure=console_config(request).secure_cookies,
        )


async def console_headers(request: web.Request, response: web.StreamResponse) -> None:
    if is_console(request):
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["X-Frame-Options"] = "SAMEORIGIN"  # the draft preview is framed


async def error_response(request: web.Request, status: int, csrf: bool = False) -> web.Response:
    from web.console.rendering import render

    return await render(request, "error.html", {"status": status, "csrf": csrf}, status=status)
