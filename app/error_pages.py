"""Error pages for people: an unknown address (404) or a failure (500) is answered with a page
in the reader's language (`?lang=`, else Accept-Language) that leads back to the archive,
instead of aiohttp's bare "404: Not Found". Responses a handler built itself (a subscription
page's "this link is not valid", a webhook's JSON or text answer) pass unchanged."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from newsletter.archive import render_page, visitor_language

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PAGES = {404: "not_found", 500: "failure"}


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status not in PAGES or exc.text != f"{exc.status}: {exc.reason}":
            raise  # a redirect, or an answer the handler worded itself
        return error_page(request, exc.status)
    except Exception:
        log.exception("web: %s %s failed", request.method, request.path)
        return error_page(request, 500)


def error_page(request: web.Request, status: int) -> web.Response:
    """The page for `status`, in the reader's language, with a way back."""
    lang = visitor_language(request)
    response = render_page("error.html.j2", lang, request.path, problem=PAGES[status])
    response.set_status(status)
    return response
