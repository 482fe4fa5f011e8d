"""An edition's way out: a test email to my own address, approve now or at a time, cancel, and
the progress of its sending (htmx polls it; without JavaScript a link refreshes the page)."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from newsletter.editions import proof, service
from newsletter.editions.errors import BulletinError, EditionLocked
from web.console.access import Permission, current_staff, requires
from web.console.bulletin_editor import edition_page, load
from web.console.config import console_config
from web.console.requests import actor, path_id, see_other, sessions, text, zone

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
        return await edition_page(
            request, edition_id, errors={"test": "no email address on your account"}, status=409
        )
    config = console_config(request)
    async with sessions(request)() as session:
        await load(session, edition_id)
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
            return await edition_page(request, edition_id, errors={"test": str(exc)}, status=502)
        await session.commit()
    raise see_other(_page(edition_id), "tested")


def parse_send_at(value: str, request: web.Request) -> datetime:
    """`2026-12-08T09:00` (a datetime-local field) in the secretariat's time zone."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BulletinError("send_at: give a date and a time, e.g. 2026-12-08T09:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(request))
    return moment


@routes.post("/console/bulletins/editions/{id:[0-9]+}/approve", name="console.edition.approve")
@requires(Permission.edit_bulletins)
async def approve(request: web.Request) -> web.StreamResponse:
    """Approve now (sent at the next round) or for a time (`when=at` and `send_at`)."""
    edition_id = path_id(request)
    form = await request.post()
    async with sessions(request)() as session:
        await load(session, edition_id)
        try:
            send_at = None
            if text(form, "when") == "at":
                send_at = parse_send_at(text(form, "send_at", 40), request)
            await service.approve(session, edition_id, actor(request), send_at)
        except EditionLocked as exc:
            return await edition_page(request, edition_id, errors={"approve": str(exc)}, status=409)
        except BulletinError as exc:
            return await edition_page(request, edition_id, errors={"approve": str(exc)}, status=422)
    raise see_other(_page(edition_id), "scheduled" if send_at else "approved")


@routes.post("/console/bulletins/editions/{id:[0-9]+}/cancel", name="console.edition.cancel")
@requires(Permission.edit_bulletins)
async def cancel(request: web.Request) -> web.StreamResponse:
    edition_id = path_id(request)
    async with sessions(request)() as session:
        await load(session, edition_id)
        try:
            await service.cancel(session, edition_id, actor(request))
        except EditionLocked as exc:
            return await edition_page(request, edition_id, errors={"cancel": str(exc)}, status=409)
    raise see_other(_page(edition_id), "cancelled")


@routes.get("/console/bulletins/editions/{id:[0-9]+}/progress", name="console.edition.progress")
@requires(Permission.read)
async def progress(request: web.Request) -> web.StreamResponse:
    """The sending part of the page (htmx polls it), or the whole page."""
    return await edition_page(request, path_id(request), block="sending")
