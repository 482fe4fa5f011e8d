"""A café's people, acted on by staff: reschedule (everyone registered or waiting is told in
their language, with the new .ics: `jobs.reschedule_and_tell`, as `aive cafes reschedule`) and
record someone's check-in (`roster.mark_checked_in`)."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from engagement.cafes import roster
from engagement.cafes.service import get_cafe
from storage.base import utcnow
from web.console import i18n
from web.console.access import Permission, requires
from web.console.cafe_form import LOCAL
from web.console.cafes import cafe_view, tell_moved
from web.console.navigation import N_
from web.console.requests import actor, lang, path_id, see_other, sessions, text, zone

routes = web.RouteTableDef()


@routes.post("/console/cafes/{id:[0-9]+}/reschedule", name="console.cafes.reschedule")
@requires(Permission.run_cafes)
async def reschedule(request: web.Request) -> web.StreamResponse:
    cafe_id = path_id(request)
    async with sessions(request)() as session:
        cafe = await get_cafe(session, cafe_id)
        current = cafe.starts_at
    value = text(await request.post(), "starts_at", 32).strip()
    try:
        starts_at = datetime.strptime(value, LOCAL).replace(tzinfo=zone(request))
    except ValueError:
        error = i18n.lgettext(lang(request), "Please give a date and time.")
        return await cafe_view(
            request, cafe_id, errors={"starts_at": error}, values={"starts_at": value}, status=422
        )
    if starts_at <= utcnow():
        error = i18n.lgettext(lang(request), "The new start must be in the future.")
        return await cafe_view(
            request, cafe_id, errors={"starts_at": error}, values={"starts_at": value}, status=422
        )
    if starts_at == current:
        raise see_other(f"/console/cafes/{cafe_id}")
    await tell_moved(request, cafe_id, starts_at)
    raise see_other(f"/console/cafes/{cafe_id}", "moved")


MARK_ERRORS = {
    roster.Marked.not_registered: N_("This person is not registered for the café."),
    roster.Marked.too_early: N_("Check-in opens ten minutes before the start."),
}


@routes.post("/console/cafes/{id:[0-9]+}/check-in", name="console.cafes.check_in")
@requires(Permission.run_cafes)
async def check_in(request: web.Request) -> web.StreamResponse:
    cafe_id = path_id(request)
    person = text(await request.post(), "person", 12)
    async with sessions(request)() as session:
        await get_cafe(session, cafe_id)
        if not person.isdigit():
            result = roster.Marked.not_registered
        else:
            result = await roster.mark_checked_in(
                session, cafe_id, int(person), actor=actor(request), now=utcnow()
            )
    if result in MARK_ERRORS:
        error = i18n.lgettext(lang(request), MARK_ERRORS[result])
        return await cafe_view(request, cafe_id, errors={"check_in": error}, status=409)
    raise see_other(f"/console/cafes/{cafe_id}", "checked_in")
