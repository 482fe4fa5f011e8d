"""The console's own files (htmx from the npm registry's `htmx.org` package, with its license,
and the style sheet): served by us, no CDN."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from web.console.access import public

STATIC = Path(__file__).resolve().parent / "static"
FILES = {
    "htmx.min.js": "text/javascript",
    "htmx.LICENSE.txt": "text/plain",
    "console.css": "text/css",
    "pages.css": "text/css",
    "cafes.css": "text/css",
    "people.css": "text/css",
    "campaign.css": "text/css",
    "consultations.css": "text/css",
}
routes = web.RouteTableDef()


@routes.get("/console/static/{name}", name="console.static")
@public
async def static_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in FILES:
        raise web.HTTPNotFound()
    response = web.FileResponse(STATIC / name)
    response.content_type = FILES[name]
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
