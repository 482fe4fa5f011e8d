"""An edition's way out: a test email to my own address, approve now or at a time, cancel, and
the progress of its sending (htmx polls it; without JavaScript a link refreshes the page)."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from newsletter.editions import proof, service
from newsletter.editions.errors import BulletinError, EditionLocked
from web.console import i18n
from web.console.access import Permission, current_staff, requires
from web.console.bulletin_editor import edition_page
from web.console.config import console_config
from web.console.requests import actor, lang, path_id, see_other, sessions, text, zone

routes = web.RouteTableDef()


def _page(edition_id: int) -> str:
    return f"/console/bulletins/editions/{edition_id}"


@routes.post("/console/bulletins/editions/{id:[0-9]+}/test", name="console.edition.test")
@requires(Permission.edit_bulletins)
async def send_test(request: web.Request) -> web.StreamResponse:
    """The edition as it is now, to the signed-in staff member's own address."""
    edition_id = path_id(request)
    staff = current_staff(request)
    if staff is None or not staff.email:
        no_address = i18n.lgettext(lang(request), "Your account has no email address.")
        return await edition_page(request, edition_id, errors={"test": no_address}, status=409)
    config = console_config(request)
    async with sessions(request)() as session:
        await service.get_edition(session, edition_id)
        try:
            await proof.send_proof(
                session,
                edition_id,
                to=staff.email,
                to_name=staff.name or None,
                mailer=config.mailer,
                public_url=config.public_url,
                actor=actor(request),
            )
        except BulletinError as exc:
            return await edition_page(
                request, edition_id, errors={"test": i18n.English(exc)}, status=502
            )
        await session.commit()
    raise see_other(_page(edition_id), "tested")


def parse_send_at(value: str, request: web.Request) -> datetime:
    """`2026-12-08T09:00` (a datetime-local field) in the secretariat's time zone; ValueError
    for anything else."""
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(request))
    return moment


@routes.post("/console/bulletins/editions/{id:[0-9]+}/approve", name="console.edition.approve")
@requires(Permission.edit_bulletins)
async def approve(request: web.Request) -> web.StreamResponse:
    """Approve now (sent at the next round) or for a time (`when=at` and `send_at`)."""
    edition_id = path_id(request)
    form = await request.post()
    send_at = None
    if text(form, "when") == "at":
        try:
            send_at = parse_send_at(text(form, "send_at", 40), request)
        except ValueError:
            bad_time = i18n.lgettext(
                lang(request),
                "Date and time: please give a date and a time, e.g. %(example)s.",
                example="2026-12-08T09:00",
            )
            return await edition_page(request, edition_id, errors={"approve": bad_time}, status=422)
    async with sessions(request)() as session:
        await service.get_edition(session, edition_id)
        try:
            await service.approve(session, edition_id, actor(request), send_at)
        except EditionLocked as exc:
            return await edition_page(
                request, edition_id, errors={"approve": i18n.English(exc)}, status=409
            )
        except BulletinError as exc:
            return await edition_page(
                request, edition_id, errors={"approve": i18n.English(exc)}, status=422
            )
    raise see_other(_page(edition_id), "scheduled" if send_at else "approved")


@routes.post("/console/bulletins/editions/{id:[0-9]+}/cancel", name="console.edition.cancel")
@requires(Permission.edit_bulletins)
async def cancel(request: web.Request) -> web.StreamResponse:
    edition_id = path_id(request)
    async with sessions(request)() as session:
        await service.get_edition(session, edition_id)
        try:
            await service.cancel(session, edition_id, actor(request))
        except EditionLocked as exc:
            return await edition_page(
                request, edition_id, errors={"cancel": i18n.English(exc)}, status=409
            )
    raise see_other(_page(edition_id), "cancelled")


@routes.get("/console/bulletins/editions/{id:[0-9]+}/progress", name="console.edition.progress")
@requires(Permission.read)
async def progress(request: web.Request) -> web.StreamResponse:
    """The sending part of the page (htmx polls it), or the whole page."""
    return await edition_page(request, path_id(request), block="sending")
