"""A café's report (`aive cafes report`, `/cafes ID` in the bot: `engagement.cafes.report`):
seats and attendance, the evaluation's averages, participants' countries and networks, and
speakers by self-declared gender, with inline SVG charts."""

from __future__ import annotations

from aiohttp import web

from engagement.cafes.report import NOT_STATED, cafe_report
from newsletter.editions.desk import bars
from newsletter.subscriptions.service import network_names
from web.console import i18n
from web.console.access import Permission, requires
from web.console.requests import lang, path_id, render_page, sessions

routes = web.RouteTableDef()


@routes.get("/console/cafes/{id:[0-9]+}/report", name="console.cafes.report")
@requires(Permission.read)
async def report_page(request: web.Request) -> web.StreamResponse:
    cafe_id = path_id(request)
    async with sessions(request)() as session:
        found = await cafe_report(session, cafe_id, lang=lang(request))
        networks = dict(await network_names(session, lang(request)))
    seats = {"registered": found.registered, "waiting": found.waiting, "left": found.left}
    seats["attended"] = found.attended
    return await render_page(
        request,
        "cafe_report.html",
        {
            "report": found,
            "seats": bars(seats, limit=4),
            "countries": bars(found.countries),
            "networks": bars(found.networks),
            "genders": bars(found.speaker_genders),
            "network_labels": networks | {NOT_STATED: i18n.lgettext(lang(request), "not stated")},
            "not_stated": NOT_STATED,
        },
    )
