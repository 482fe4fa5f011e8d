"""The audit log: filter by person, object and date; CSV export."""

from __future__ import annotations

from aiohttp import web

from web.console.access import Permission, requires
from web.console.rendering import render

routes = web.RouteTableDef()


@routes.get("/console/audit", name="console.audit")
@requires(Permission.read_audit)
async def audit_page(request: web.Request) -> web.StreamResponse:
    return await render(request, "audit.html", {"events": []})
