"""My account: who I am here, my live sessions, and signing out everywhere."""

from __future__ import annotations

from aiohttp import web

from storage import staff_queries
from storage.base import utcnow
from web.console.access import Permission, current_staff, requires
from web.console.config import console_config
from web.console.rendering import render

routes = web.RouteTableDef()


@routes.get("/console/account", name="console.account")
@requires(Permission.read)
async def account_page(request: web.Request) -> web.StreamResponse:
    staff = current_staff(request)
    assert staff is not None
    async with console_config(request).sessions() as session:
        live = await staff_queries.live_sessions(session, staff.id, utcnow())
    return await render(request, "account.html", {"sessions": live})
