"""The International Day campaign: the campaigns by year, a year's timeline (every step with
its date, status, audience, channels and reach, from `campaigns.plan`), and pausing or resuming
the whole campaign. A step's own page (dry run, launch, pause, move) is `campaign_steps`; the
declaration, the kit and the report have modules of their own."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns import service, timeline
from campaigns.config import CampaignConfig
from campaigns.errors import CampaignError
from campaigns.plan import plan
from storage import campaigns_queries
from storage.campaigns import Campaign
from web.console.access import Permission, current_staff, requires
from web.console.config import console_config
from web.console.navigation import N_
from web.console.requests import actor, notice, render_page, see_other, sessions

routes = web.RouteTableDef()
# the campaigns' settings, set by the composition root (default: from ConsoleConfig)
CAMPAIGN_CONFIG = web.AppKey("console_campaign_config", CampaignConfig)
YEAR = "{year:[0-9]+}"
NOTICES = {
    "paused": N_("The campaign is paused: the scheduler launches none of its steps."),
    "resumed": N_("The campaign is active again: its steps are launched when due."),
}
AUDIENCES = {
    "city_representatives": N_("city representatives"),
    "everyone": N_("everyone in the bot"),
    "staff": N_("staff"),
    "youth": N_("young people"),
}
CHANNELS = {"email": N_("email"), "chat": N_("chat")}
STEP_STATUSES = {
    "planned": N_("planned"),
    "launched": N_("launched"),
    "paused": N_("paused"),
    "done": N_("done"),
}
CAMPAIGN_STATUSES = {"active": N_("active"), "paused": N_("paused")}
NAV_LABEL = N_("Campaign")  # the menu entry (navigation.NAV), translated in this domain


def campaign_config(request: web.Request) -> CampaignConfig:
    found = request.app.get(CAMPAIGN_CONFIG)
    if found is not None:
        return found
    config = console_config(request)
    return CampaignConfig(
        timezone=config.zone.key,
        public_url=config.public_url,
        default_language=config.default_language,
    )


def path_year(request: web.Request) -> int:
    """The year in the path; 404 for anything longer than a year."""
    value = request.match_info["year"]
    if len(value) > 4:
        raise web.HTTPNotFound()
    return int(value)


def path_step(request: web.Request) -> str:
    """The step named in the path ("d-10"); 404 for anything else."""
    try:
        return timeline.spec(request.match_info.get("step", "")).key
    except CampaignError:
        raise web.HTTPNotFound() from None


async def load_campaign(session: AsyncSession, year: int) -> Campaign:
    """The campaign of `year`; 404 when there is none."""
    try:
        return await service.get_campaign(session, year)
    except CampaignError:
        raise web.HTTPNotFound() from None


def words() -> dict[str, dict[str, str]]:
    """The campaign's vocabulary (audiences, channels, statuses): the templates translate."""
    return {
        "audiences": AUDIENCES,
        "channels": CHANNELS,
        "step_statuses": STEP_STATUSES,
        "campaign_statuses": CAMPAIGN_STATUSES,
    }


def can_run(request: web.Request) -> bool:
    staff = current_staff(request)
    return staff is not None and staff.can(Permission.run_campaigns)


@routes.get("/console/campaign", name="console.campaigns")
@requires(Permission.read)
async def campaigns_page(request: web.Request) -> web.StreamResponse:
    """Every year's campaign, newest first."""
    async with sessions(request)() as session:
        found = await campaigns_queries.campaigns(session)
    found.sort(key=lambda c: -c.year)
    context = {"campaigns": found, **words()}
    return await render_page(request, "campaigns.html", context)


@routes.get(f"/console/campaign/{YEAR}", name="console.campaign")
@requires(Permission.read)
async def timeline_page(request: web.Request) -> web.StreamResponse:
    """The year's timeline: each step with its date, status, audience, channels and reach."""
    year = path_year(request)
    async with sessions(request)() as session:
        campaign = await load_campaign(session, year)
        lines = await plan(session, campaign, campaign_config(request))
        steps = {s.key: s for s in campaign.steps}
    context = {
        "campaign": campaign,
        "lines": lines,
        "steps": steps,
        "can_run": can_run(request),
        "notice": notice(request, NOTICES),
        **words(),
    }
    return await render_page(request, "campaign.html", context)


async def _pause(request: web.Request, paused: bool) -> web.StreamResponse:
    year = path_year(request)
    async with sessions(request)() as session:
        await load_campaign(session, year)
        await service.set_paused(session, year, None, paused=paused, actor=actor(request))
    raise see_other(f"/console/campaign/{year}", "paused" if paused else "resumed")


@routes.post(f"/console/campaign/{YEAR}/pause", name="console.campaign.pause")
@requires(Permission.run_campaigns)
async def pause(request: web.Request) -> web.StreamResponse:
    return await _pause(request, True)


@routes.post(f"/console/campaign/{YEAR}/resume", name="console.campaign.resume")
@requires(Permission.run_campaigns)
async def resume(request: web.Request) -> web.StreamResponse:
    return await _pause(request, False)
