"""The campaign's report (the figures of `aive campaign report`): cities taking part,
activities by country and network, email and chat reach, as inline SVG charts; the chart as a
PNG and the figures as JSON to take to the General Assembly."""

from __future__ import annotations

import json

from aiohttp import web

from campaigns import report_data
from campaigns.report import CampaignReport, chart_png
from newsletter.editions.desk import bars
from storage.campaigns import Campaign
from web.console.access import Permission, requires
from web.console.campaign import YEAR, load_campaign, path_year
from web.console.requests import lang, render_page, sessions

routes = web.RouteTableDef()
PATH = f"/console/campaign/{YEAR}/report"


async def _report(request: web.Request) -> tuple[Campaign, CampaignReport]:
    async with sessions(request)() as session:
        campaign = await load_campaign(session, path_year(request))
        return campaign, await report_data.campaign_report(session, campaign)


@routes.get(PATH, name="console.campaign.report")
@requires(Permission.read)
async def show(request: web.Request) -> web.StreamResponse:
    campaign, found = await _report(request)
    reach = found.reach
    context = {
        "campaign": campaign,
        "report": found,
        "countries": bars(found.by_country),
        "networks": bars(found.by_network),
        "emails": bars(
            {
                "accepted": reach.emails_accepted,
                "opened": reach.emails_opened,
                "failed": reach.emails_failed,
            },
            limit=3,
        ),
        "chats": bars(
            {
                "sent": reach.chat_sent,
                "people": reach.chat_people,
                "blocked": reach.chat_blocked,
                "failed": reach.chat_failed,
            },
            limit=4,
        ),
    }
    return await render_page(request, "campaign_report.html", context)


@routes.get(PATH + ".png", name="console.campaign.report_png")
@requires(Permission.read)
async def chart(request: web.Request) -> web.StreamResponse:
    _campaign, found = await _report(request)
    response = web.Response(body=chart_png(found, lang(request)), content_type="image/png")
    disposition = f'attachment; filename="aive-day-{found.year}-report.png"'
    response.headers["Content-Disposition"] = disposition
    return response


@routes.get(PATH + ".json", name="console.campaign.report_json")
@requires(Permission.read)
async def figures(request: web.Request) -> web.StreamResponse:
    _campaign, found = await _report(request)
    response = web.json_response(found.to_json(), dumps=lambda v: json.dumps(v, ensure_ascii=False))
    response.headers["Content-Disposition"] = (
        f'attachment; filename="aive-day-{found.year}-report.json"'
    )
    return response
