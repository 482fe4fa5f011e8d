"""Polls: the list, a form that creates one (the domain's checks, each problem next to its
field, in the staff member's language), and each poll's results merged across languages and
per network, as a chart that refreshes by itself while the poll is open."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from engagement.consultations.schema import Audience
from engagement.polls.errors import PollDefinitionError
from engagement.polls.service import check_poll_data, create_poll_from, poll_results
from newsletter.subscriptions.service import network_names
from storage import polls_queries
from storage.base import utcnow
from web.console.access import Permission, requires
from web.console.config import console_config
from web.console.navigation import N_
from web.console.poll_form import ROWS, PollForm, place_problems, read_form
from web.console.requests import actor, lang, notice, path_id, render_page, see_other, sessions

routes = web.RouteTableDef()
LISTED = 50
REFRESH_SECONDS = 5
AUDIENCES = {
    Audience.city_representatives.value: N_("City representatives"),
    Audience.youth.value: N_("Young people"),
    Audience.everyone.value: N_("Everyone who talks to the bot"),
}
NOTICES = {"created": N_("Poll created: the bot is sending it now.")}


async def _list(request: web.Request, poll: PollForm | None = None) -> web.Response:
    async with sessions(request)() as session:
        polls = await polls_queries.latest_polls(session, LISTED)
        networks = await network_names(session, lang(request))
    context = {
        "polls": polls,
        "networks": networks,
        "audiences": AUDIENCES,
        "rows": range(ROWS),
        "form": poll.values if poll else {"audience": "city_representatives"},
        "errors": poll.errors if poll else {},
        "notice": notice(request, NOTICES),
    }
    return await render_page(request, "polls.html", context, status=422 if poll else 200)


@routes.get("/console/polls", name="console.polls")
@requires(Permission.read)
async def polls_page(request: web.Request) -> web.StreamResponse:
    return await _list(request)


@routes.post("/console/polls", name="console.polls.create")
@requires(Permission.run_polls)
async def create(request: web.Request) -> web.StreamResponse:
    config = console_config(request)
    now = utcnow()
    poll = read_form(await request.post(), config.zone, lang(request), now)
    try:
        async with sessions(request)() as session:
            if poll.errors:  # the form's own: show the domain's problems with them
                await check_poll_data(session, poll.data, now=now)
                return await _list(request, poll)
            created = await create_poll_from(
                session,
                poll.data,
                actor=actor(request),
                default_language=config.default_language,
                now=now,
            )
    except PollDefinitionError as exc:
        place_problems(poll, exc.problems, lang(request))
        return await _list(request, poll)
    raise see_other(f"/console/polls/{created.id}", "created")


@routes.get("/console/polls/{id}", name="console.poll")
@requires(Permission.read)
async def poll_page(request: web.Request) -> web.StreamResponse:
    """The poll's results; htmx asks for the `results` block again every few seconds."""
    poll_id = path_id(request)
    async with sessions(request)() as session:
        poll = await polls_queries.get_poll(session, poll_id)
        results = await poll_results(session, poll_id, lang=lang(request))
    context: dict[str, Any] = {
        "poll": poll,
        "results": results,
        "audiences": AUDIENCES,
        "live": poll.status.value == "open" and poll.closes_at > utcnow(),
        "refresh": REFRESH_SECONDS,
        "notice": notice(request, NOTICES),
    }
    return await render_page(request, "poll.html", context, block="results")
