"""Virtual cafés: the month calendar, schedule one with the form or a YAML file (the format of
`aive cafes create`), a café's page (its seats, check-ins, certificates, reschedule form) and
editing it. Scheduling is `engagement.cafes.jobs.schedule_and_invite`, as in the bot and the
CLI; reschedule and check-in are in `cafe_people`, the report in `cafe_report`."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from babel.dates import format_time

from engagement.cafes import jobs, roster
from engagement.cafes.definition import CafeDefinition, CafeDefinitionError
from engagement.cafes.schema import AUDIENCES, check_cafe, load_cafe
from engagement.cafes.service import CHECK_IN_EARLY, get_cafe
from engagement.definition_texts import problem_line
from engagement.staff_files import MAX_BYTES
from newsletter.subscriptions.service import network_names
from outbox.content import localized
from storage import cafes_queries
from storage import consultations_queries as q
from storage.base import utcnow
from storage.cafes import Cafe
from web.console import cafe_form, i18n
from web.console.access import Permission, requires
from web.console.cafe_calendar import month_asked, month_bounds, month_grid
from web.console.config import console_config
from web.console.navigation import N_
from web.console.requests import (
    actor,
    lang,
    notice,
    path_id,
    render_page,
    see_other,
    sessions,
    zone,
)

routes = web.RouteTableDef()


def cafe_helpers(request: web.Request) -> dict[str, Any]:
    """What café templates call: a café's title and start time in the staff member's language."""
    reader, tz = lang(request), zone(request)

    def title(cafe: Cafe) -> str:
        return localized(cafe.titles, reader) or cafe.slug

    def cafe_time(cafe: Cafe) -> str:
        return format_time(cafe.starts_at, "short", tzinfo=tz, locale=reader)

    return {"title": title, "cafe_time": cafe_time}


NOTICES = {
    "created": N_("Café scheduled."),
    "updated": N_("Café updated."),
    "moved": N_("Café rescheduled: everyone registered or waiting is being told."),
    "checked_in": N_("Check-in recorded."),
    "sent_bot": N_("Certificate queued: it goes out through the bot within a minute."),
    "sent_email": N_("Certificate sent by email."),
}
PAGE_TITLE = N_("Cafés")  # the menu's entry (navigation.NAV), translated in this page's domain
AUDIENCE_LABELS = {
    "everyone": N_("everyone"),
    "city_representatives": N_("city representatives"),
    "youth": N_("young people"),
    "staff": N_("staff"),
}


@routes.get("/console/cafes", name="console.cafes")
@requires(Permission.read)
async def calendar_page(request: web.Request) -> web.StreamResponse:
    tz = zone(request)
    now = utcnow()
    try:
        first = month_asked(request.query.get("month"), now.astimezone(tz).date())
    except ValueError:
        raise web.HTTPNotFound() from None
    start, end = month_bounds(first, tz)
    async with sessions(request)() as session:
        cafes = await cafes_queries.cafes_in_month(session, start, end)
        upcoming = await cafes_queries.cafes_starting_after(session, now)
    return await render_page(
        request,
        "cafes.html",
        {
            "month": month_grid(first, cafes, tz, lang(request)),
            "cafes": cafes,
            "upcoming": upcoming[:10],
            "today": now.astimezone(tz).date(),
            "notice": notice(request, NOTICES),
        }
        | cafe_helpers(request),
    )


async def _form_page(
    request: web.Request,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    cafe_id: int | None = None,
    yaml_errors: list[str] | None = None,
    status: int = 200,
) -> web.Response:
    async with sessions(request)() as session:
        networks = await network_names(session, lang(request))
    return await render_page(
        request,
        "cafe_form.html",
        {
            "form": values,
            "errors": errors or {},
            "yaml_errors": yaml_errors or [],
            "cafe_id": cafe_id,
            "networks": networks,
            "audiences": [(a, AUDIENCE_LABELS[a]) for a in AUDIENCES],
            "max_kb": MAX_BYTES // 1024,
        },
        status=status,
    )


@routes.get("/console/cafes/new", name="console.cafes.new")
@requires(Permission.run_cafes)
async def new_page(request: web.Request) -> web.StreamResponse:
    return await _form_page(request, cafe_form.blank_form(zone(request)))


async def _save(
    request: web.Request, definition: CafeDefinition, *, invite: bool
) -> tuple[int, bool]:
    """Schedule (or update) the café and, with `invite`, invite its audience."""
    config = console_config(request)
    async with sessions(request)() as session:
        done, _invited = await jobs.schedule_and_invite(
            session,
            definition,
            invite=invite,
            actor=actor(request),
            now=utcnow(),
            default_timezone=config.zone.key,
            default_language=config.default_language,
        )
        return done.cafe.id, done.created


async def _checked(
    request: web.Request, values: dict[str, Any]
) -> tuple[CafeDefinition | None, dict[str, str]]:
    """The café the form describes, or the errors by field in the staff member's language."""
    document, errors = cafe_form.cafe_document(values, lang(request))
    async with sessions(request)() as session:
        known = await q.all_network_slugs(session)
    try:
        definition = check_cafe(document, None, known)
    except CafeDefinitionError as exc:
        return None, cafe_form.field_errors(exc.problems, lang(request), errors)
    return (None, errors) if errors else (definition, {})


@routes.post("/console/cafes", name="console.cafes.create")
@requires(Permission.run_cafes)
async def create(request: web.Request) -> web.StreamResponse:
    values = cafe_form.read_form(await request.post())
    definition, errors = await _checked(request, values)
    if definition is None:
        return await _form_page(request, values, errors=errors, status=422)
    async with sessions(request)() as session:
        if await cafes_queries.cafe_by_slug(session, definition.slug) is not None:
            taken = i18n.lgettext(lang(request), "Another café already has this short name.")
            return await _form_page(request, values, errors={"slug": taken}, status=422)
    cafe_id, _created = await _save(request, definition, invite=values["invite"])
    raise see_other(f"/console/cafes/{cafe_id}", "created")


@routes.post("/console/cafes/upload", name="console.cafes.upload")
@requires(Permission.run_cafes)
async def upload(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    blank = cafe_form.blank_form(zone(request))
    file = form.get("file")
    if not isinstance(file, web.FileField):
        error = i18n.lgettext(lang(request), "Please choose a café YAML file.")
        return await _form_page(request, blank, yaml_errors=[error], status=422)
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        error = i18n.lgettext(
            lang(request), "The file is larger than %(kb)s KB.", kb=MAX_BYTES // 1024
        )
        return await _form_page(request, blank, yaml_errors=[error], status=413)
    try:
        async with sessions(request)() as session:
            known = await q.all_network_slugs(session)
        definition = load_cafe(data.decode("utf-8"), None, known)
    except UnicodeDecodeError:
        error = i18n.lgettext(lang(request), "The file is not UTF-8 text.")
        return await _form_page(request, blank, yaml_errors=[error], status=422)
    except CafeDefinitionError as exc:
        lines = [problem_line(p, lang(request)) for p in exc.problems]
        return await _form_page(request, blank, yaml_errors=lines, status=422)
    cafe_id, created = await _save(request, definition, invite=form.get("invite") == "yes")
    raise see_other(f"/console/cafes/{cafe_id}", "created" if created else "updated")


@routes.get("/console/cafes/{id:[0-9]+}", name="console.cafes.cafe")
@requires(Permission.read)
async def cafe_page(request: web.Request) -> web.StreamResponse:
    return await cafe_view(request, path_id(request))


async def cafe_view(
    request: web.Request,
    cafe_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    """The café's page; 404 when there is no such café."""
    async with sessions(request)() as session:
        seats = await roster.cafe_roster(session, cafe_id)
    cafe = seats.cafe
    now = utcnow()
    return await render_page(
        request,
        "cafe.html",
        {
            "cafe": cafe,
            "roster": seats,
            "over": now >= cafe.ends_at,
            "can_check_in": now >= cafe.starts_at - CHECK_IN_EARLY,
            "audience": AUDIENCE_LABELS.get(cafe.audience, cafe.audience),
            "month": f"{cafe.starts_at.astimezone(zone(request)):%Y-%m}",
            "errors": errors or {},
            "values": values or {},
            "notice": notice(request, NOTICES),
        }
        | cafe_helpers(request),
        status=status,
    )


@routes.get("/console/cafes/{id:[0-9]+}/edit", name="console.cafes.edit")
@requires(Permission.run_cafes)
async def edit_page(request: web.Request) -> web.StreamResponse:
    cafe_id = path_id(request)
    async with sessions(request)() as session:
        found = await get_cafe(session, cafe_id)
        values = cafe_form.form_of(found, zone(request))
    return await _form_page(request, values, cafe_id=cafe_id)


@routes.post("/console/cafes/{id:[0-9]+}/edit", name="console.cafes.update")
@requires(Permission.run_cafes)
async def update(request: web.Request) -> web.StreamResponse:
    """Save the café's new values; a new start goes through the reschedule (people told)."""
    cafe_id = path_id(request)
    async with sessions(request)() as session:
        found = await get_cafe(session, cafe_id)
        slug = found.slug
    values = cafe_form.read_form(await request.post()) | {"slug": slug}
    definition, errors = await _checked(request, values)
    if definition is None:
        return await _form_page(request, values, errors=errors, cafe_id=cafe_id, status=422)
    moved = definition.starts_at != found.starts_at
    if moved and definition.starts_at <= utcnow():
        error = i18n.lgettext(lang(request), "The new start must be in the future.")
        errors = {"starts_at": error}
        return await _form_page(request, values, errors=errors, cafe_id=cafe_id, status=422)
    if moved:
        await tell_moved(request, cafe_id, definition.starts_at)
    await _save(request, definition, invite=False)
    raise see_other(f"/console/cafes/{cafe_id}", "moved" if moved else "updated")


async def tell_moved(request: web.Request, cafe_id: int, starts_at: datetime) -> int:
    """Move the café and queue the new time and .ics for everyone registered or waiting, each
    in their language (the CLI's `aive cafes reschedule`); how many were told."""
    config = console_config(request)
    async with sessions(request)() as session:
        _cafe, told = await jobs.reschedule_and_tell(
            session,
            cafe_id,
            starts_at,
            actor=actor(request),
            now=utcnow(),
            default_timezone=config.zone.key,
            default_language=config.default_language,
            host=urlsplit(config.public_url).hostname or "aive.local",
        )
    return told
