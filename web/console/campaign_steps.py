"""One step of the campaign: what it is, who would get what if it were launched now (the dry
run of `aive campaign launch --dry-run`: nothing is sent), and what staff do with it: launch,
pause, resume, move (the calls `aive campaign launch|pause|resume|move` make)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from campaigns import service, timeline
from campaigns.errors import CampaignError, StepTimePassed
from campaigns.launch import launch_step
from campaigns.plan import dry_run, plan
from storage.base import utcnow
from storage.campaigns import StepStatus
from web.console import i18n
from web.console.access import Permission, requires
from web.console.campaign import (
    YEAR,
    campaign_config,
    can_run,
    load_campaign,
    path_step,
    path_year,
    words,
)
from web.console.navigation import N_
from web.console.requests import actor, lang, notice, render_page, see_other, sessions, text

routes = web.RouteTableDef()
STEP = f"/console/campaign/{YEAR}/steps/{{step}}"
FIRST = 10  # recipients the dry run lists
NOTICES = {
    "launched": N_("Step launched: its messages are queued; the workers send them."),
    "already": N_("This step was launched already: nothing was sent again."),
    "paused": N_("Step paused: the scheduler will not launch it."),
    "resumed": N_("Step resumed: the scheduler launches it when due."),
    "moved": N_("Step moved."),
}


def _page(year: int, key: str) -> str:
    return f"/console/campaign/{year}/steps/{key}"


async def step_page(
    request: web.Request,
    *,
    errors: dict[str, str] | None = None,
    moved_to: str = "",
    status: int = 200,
) -> web.Response:
    """The step with its dry run (when it is not launched yet) and its actions."""
    year, key = path_year(request), path_step(request)
    config = campaign_config(request)
    async with sessions(request)() as session:
        campaign = await load_campaign(session, year)
        step = service.find_step(campaign, key)
        line = next(x for x in await plan(session, campaign, config) if x.key == key)
        open_step = step.status in (StepStatus.planned, StepStatus.paused)
        found = await dry_run(session, campaign, key, config, first=FIRST) if open_step else None
    context: dict[str, Any] = {
        "campaign": campaign,
        "step": step,
        "line": line,
        "spec": timeline.spec(key),
        "dry": found,
        "open_step": open_step,
        "can_run": can_run(request),
        "errors": errors or {},
        "moved_to": moved_to
        or f"{step.due_at.astimezone(ZoneInfo(config.timezone)):%Y-%m-%dT%H:%M}",
        "zone": config.timezone,
        "notice": notice(request, NOTICES),
        **words(),
    }
    return await render_page(request, "campaign_step.html", context, status=status)


@routes.get(STEP, name="console.campaign.step")
@requires(Permission.read)
async def show(request: web.Request) -> web.StreamResponse:
    return await step_page(request)


@routes.post(STEP + "/launch", name="console.campaign.launch")
@requires(Permission.run_campaigns)
async def launch(request: web.Request) -> web.StreamResponse:
    """Launch now, whatever its time (as `aive campaign launch`)."""
    year, key = path_year(request), path_step(request)
    async with sessions(request)() as session:
        campaign = await load_campaign(session, year)
        try:
            outcome = await launch_step(
                session, campaign, key, campaign_config(request), now=utcnow(), actor=actor(request)
            )
        except CampaignError as exc:
            return await step_page(request, errors={"launch": i18n.English(exc)}, status=409)
    raise see_other(_page(year, key), "already" if outcome.already else "launched")


async def _pause(request: web.Request, paused: bool) -> web.StreamResponse:
    year, key = path_year(request), path_step(request)
    async with sessions(request)() as session:
        await load_campaign(session, year)
        try:
            await service.set_paused(session, year, key, paused=paused, actor=actor(request))
        except CampaignError as exc:
            return await step_page(request, errors={"pause": i18n.English(exc)}, status=409)
    raise see_other(_page(year, key), "paused" if paused else "resumed")


@routes.post(STEP + "/pause", name="console.campaign.step_pause")
@requires(Permission.run_campaigns)
async def pause(request: web.Request) -> web.StreamResponse:
    return await _pause(request, True)


@routes.post(STEP + "/resume", name="console.campaign.step_resume")
@requires(Permission.run_campaigns)
async def resume(request: web.Request) -> web.StreamResponse:
    return await _pause(request, False)


@routes.post(STEP + "/move", name="console.campaign.move")
@requires(Permission.run_campaigns)
async def move(request: web.Request) -> web.StreamResponse:
    """A new time for a step not launched yet (secretariat time, as `aive campaign move`)."""
    year, key = path_year(request), path_step(request)
    form = await request.post()
    value = text(form, "to", 40)
    config = campaign_config(request)
    try:
        moment = timeline.parse_moment(value, config.timezone)
    except CampaignError:
        example = f"{year}-11-20T09:00"
        bad = i18n.lgettext(
            lang(request),
            "New time: please give a date and a time, e.g. %(example)s.",
            example=example,
        )
        return await step_page(request, errors={"to": bad}, moved_to=value, status=422)
    async with sessions(request)() as session:
        await load_campaign(session, year)
        try:
            await service.move_step(session, year, key, moment, actor=actor(request), now=utcnow())
        except StepTimePassed:
            passed = i18n.lgettext(
                lang(request), "New time: this time has passed; please give a time to come."
            )
            return await step_page(request, errors={"to": passed}, moved_to=value, status=422)
        except CampaignError as exc:
            return await step_page(
                request, errors={"to": i18n.English(exc)}, moved_to=value, status=409
            )
    raise see_other(_page(year, key), "moved")
