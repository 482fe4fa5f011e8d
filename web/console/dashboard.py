"""The dashboard: what needs staff now (drafts waiting for approval, youth ideas in the queue,
consultations closing within 7 days with their response rate, the next campaign step, sends
with failed or uncertain rows, feeds failing for more than a day)."""

from __future__ import annotations

from aiohttp import web

from storage import dashboard_queries as queries
from storage.base import utcnow
from web.console.access import Permission, requires
from web.console.config import console_config
from web.console.rendering import page_language, render

routes = web.RouteTableDef()


def title_in(titles: dict[str, str], lang: str, fallback: str) -> str:
    return titles.get(lang) or titles.get("en") or next(iter(titles.values()), fallback)


@routes.get("/console/", name="console.dashboard")
@requires(Permission.read)
async def dashboard(request: web.Request) -> web.StreamResponse:
    now = utcnow()
    lang = page_language(request)
    async with console_config(request).sessions() as session:
        drafts = await queries.drafts_waiting(session)
        youth_count, youth_oldest = await queries.youth_ideas_queued(session)
        closing = await queries.consultations_closing(session, now)
        step = await queries.next_campaign_step(session)
        troubles = await queries.sends_in_trouble(session)
        feeds = await queries.feeds_failing(session, now)
    context = {
        "drafts": drafts,
        "youth_count": youth_count,
        "youth_oldest": youth_oldest,
        "closing": [(c, title_in(c.titles, lang, c.slug)) for c in closing],
        "step": step,
        "troubles": troubles,
        "feeds": feeds,
    }
    return await render(request, "dashboard.html", context)


@routes.get("/console")
@requires(Permission.read)
async def console_root(request: web.Request) -> web.StreamResponse:
    raise web.HTTPPermanentRedirect("/console/")
