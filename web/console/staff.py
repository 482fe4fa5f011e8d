"""The staff page (owners): who has which role, inviting, changing roles, deactivating."""

from __future__ import annotations

from aiohttp import web

from storage import staff_queries
from web.console.access import Permission, requires
from web.console.config import console_config
from web.console.rendering import render

routes = web.RouteTableDef()


@routes.get("/console/staff", name="console.staff")
@requires(Permission.manage_staff)
async def staff_page(request: web.Request) -> web.StreamResponse:
    async with console_config(request).sessions() as session:
        members = await staff_queries.list_staff(session)
    return await render(request, "staff.html", {"members": members})
