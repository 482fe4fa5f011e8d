"""The dashboard: what needs staff now."""

from __future__ import annotations

from aiohttp import web

from web.console.access import Permission, requires
from web.console.rendering import render

routes = web.RouteTableDef()


@routes.get("/console/", name="console.dashboard")
@requires(Permission.read)
async def dashboard(request: web.Request) -> web.StreamResponse:
    return await render(request, "dashboard.html", {})


@routes.get("/console")
@requires(Permission.read)
async def console_root(request: web.Request) -> web.StreamResponse:
    raise web.HTTPPermanentRedirect("/console/")
