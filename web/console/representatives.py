"""Representatives: who represents each city (verified when, through which invite or
request), the requests waiting for a decision, approved or refused here as in the bot (the
same domain call; the person is told in their language through the chat outbox), and a city's
page with its invites (made and emailed in `invites`)."""

from __future__ import annotations

from aiohttp import web

from engagement.invites import invite_link, invite_token
from engagement.representation import city_history, representation, staff_person, waiting_requests
from engagement.representative_notices import queue_decision_notice
from engagement.representatives import DecisionOutcome, decide_request
from storage import representatives_queries
from storage.base import utcnow
from web.console.access import Permission, current_staff, requires
from web.console.config import console_config
from web.console.navigation import N_
from web.console.requests import actor, notice, path_id, render_page, see_other, sessions

routes = web.RouteTableDef()
NOTICES = {
    "approved": N_("Request approved: the person is told in their language in the bot."),
    "refused": N_("Request refused: the person is told in their language in the bot."),
    "decided": N_("Someone already decided this request."),
    "invited": N_("Invitation created: give the link below to the representative."),
    "emailed": N_("Invitation created and emailed."),
}


@routes.get("/console/representatives", name="console.representatives")
@requires(Permission.read)
async def representatives_page(request: web.Request) -> web.StreamResponse:
    wanted = request.query.get("q", "").strip()[:100]
    async with sessions(request)() as session:
        cities = await representation(session)
        waiting = await waiting_requests(session)
    if wanted:
        cities = [c for c in cities if wanted.casefold() in c.city.name.casefold()]
    context = {
        "cities": cities,
        "waiting": waiting,
        "q": wanted,
        "represented": sum(1 for c in cities if c.representatives),
        "notice": notice(request, NOTICES),
    }
    return await render_page(request, "representatives.html", context, block="cities")


@routes.get("/console/representatives/cities/{id}", name="console.representatives.city")
@requires(Permission.read)
async def city_page(request: web.Request) -> web.StreamResponse:
    return await render_city(request, path_id(request))


async def render_city(
    request: web.Request,
    city_id: int,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    """A city's page (404 when there is no such city), with the invite form's values and
    errors when it is shown again."""
    config = console_config(request)
    async with sessions(request)() as session:
        history = await city_history(session, city_id)
    if history is None:
        raise web.HTTPNotFound()
    staff = current_staff(request)
    links: dict[int, str] = {}
    now = utcnow()
    if staff is not None and staff.can(Permission.run_consultations):
        username = await config.bot_username() if config.bot_username else None
        for invite in history.invites:
            if username and invite.used_at is None and invite.expires_at > now:
                links[invite.id] = invite_link(username, invite_token(invite, config.signing_key))
    languages = history.city.languages or [config.default_language]
    context = {
        "history": history,
        "links": links,
        "now": now,
        "form": form or {"language": languages[0], "days": "14"},
        "errors": errors or {},
        "notice": notice(request, NOTICES),
    }
    return await render_page(request, "representative_city.html", context, status=status)


async def _decide(request: web.Request, approve: bool) -> web.StreamResponse:
    request_id = path_id(request)
    staff = current_staff(request)
    assert staff is not None  # requires() let them in
    async with sessions(request)() as session:
        found = await representatives_queries.request_by_id(session, request_id)
        if found is None:
            raise web.HTTPNotFound()
        decider = await staff_person(session, staff.id)
        decision = await decide_request(session, request_id, decider, approve, actor=actor(request))
        if decision.outcome is not DecisionOutcome.done:
            await session.rollback()
            raise see_other(_back(request), "decided")
        assert decision.request is not None
        if decision.person is not None:
            # the decision and the message telling it are committed together
            await queue_decision_notice(
                session,
                decision.person,
                decision.request,
                approve,
                default_language=console_config(request).default_language,
                created_by=actor(request),
            )
        else:
            await session.commit()
    raise see_other(_back(request), "approved" if approve else "refused")


def _back(request: web.Request) -> str:
    """Where the decision was taken: the city's page, or the list."""
    city = request.query.get("city", "")
    return (
        f"/console/representatives/cities/{city}" if city.isdigit() else "/console/representatives"
    )


@routes.post("/console/representatives/requests/{id}/approve", name="console.requests.approve")
@requires(Permission.run_consultations)
async def approve(request: web.Request) -> web.StreamResponse:
    return await _decide(request, True)


@routes.post("/console/representatives/requests/{id}/refuse", name="console.requests.refuse")
@requires(Permission.run_consultations)
async def refuse(request: web.Request) -> web.StreamResponse:
    return await _decide(request, False)
