"""The staff page (owners): who has which role; invite someone (they get a sign-in link by
email), change a role, deactivate (every session of theirs ends). The last active owner cannot
be demoted or deactivated, so the console never locks itself out."""

from __future__ import annotations

import logging

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.subscriptions.mailer import MailerError
from storage import staff_queries
from storage.base import utcnow
from storage.staff import StaffMember, StaffRole
from web.console import i18n
from web.console.access import Permission, current_staff, requires
from web.console.config import console_config
from web.console.magic_links import issue_link
from web.console.rendering import page_language, render
from web.console.sessions import client_ip
from web.console.signin import link_message

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


async def staff_page_response(
    request: web.Request, *, error: str | None = None, notice: str | None = None, status: int = 200
) -> web.Response:
    async with console_config(request).sessions() as session:
        members = await staff_queries.list_staff(session)
    context = {"members": members, "roles": list(StaffRole), "error": error, "notice": notice}
    return await render(request, "staff.html", context, status=status)


@routes.get("/console/staff", name="console.staff")
@requires(Permission.manage_staff)
async def staff_page(request: web.Request) -> web.StreamResponse:
    return await staff_page_response(request)


@routes.post("/console/staff", name="console.staff_invite")
@requires(Permission.manage_staff)
async def invite(request: web.Request) -> web.StreamResponse:
    staff = current_staff(request)
    assert staff is not None
    lang = page_language(request)
    form = await request.post()
    email = str(form.get("email", "")).strip().lower()
    name = str(form.get("name", "")).strip()[:200]
    role_value = str(form.get("role", ""))
    language = i18n.supported(str(form.get("language", ""))) or lang
    if "@" not in email or len(email) > 320 or role_value not in StaffRole.__members__:
        error = i18n.lgettext(lang, "Please give an email address and a role.")
        return await staff_page_response(request, error=error, status=400)
    config = console_config(request)
    async with config.sessions() as session:
        try:
            member = await staff_queries.add_staff(
                session,
                email=email,
                name=name,
                role=StaffRole(role_value),
                language=language,
                actor=staff.actor,
                ip=client_ip(request),
            )
        except staff_queries.StaffExists:
            error = i18n.lgettext(lang, "%(email)s is already a staff member.", email=email)
            return await staff_page_response(request, error=error, status=409)
        url = await issue_link(session, member, config.signing_key, config.public_url, utcnow())
        await session.commit()
    try:
        await config.mailer.send(link_message(email, name, language, url))
        notice = i18n.lgettext(
            lang, "%(email)s is invited: a sign-in link is on its way.", email=email
        )
    except MailerError as exc:
        log.warning("console invitation not sent: %s", exc)
        notice = i18n.lgettext(
            lang, "%(email)s is added, but the email could not be sent.", email=email
        )
    return await staff_page_response(request, notice=notice)


async def _member(request: web.Request, session: AsyncSession) -> StaffMember:
    try:
        member_id = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    member = await staff_queries.staff_by_id(session, member_id)
    if member is None:
        raise web.HTTPNotFound()
    return member


@routes.post("/console/staff/{id}/role", name="console.staff_role")
@requires(Permission.manage_staff)
async def change_role(request: web.Request) -> web.StreamResponse:
    staff = current_staff(request)
    assert staff is not None
    form = await request.post()
    role_value = str(form.get("role", ""))
    if role_value not in StaffRole.__members__:
        raise web.HTTPBadRequest(text="Unknown role.")
    lang = page_language(request)
    async with console_config(request).sessions() as session:
        member = await _member(request, session)
        role = StaffRole(role_value)
        if (
            member.role == StaffRole.owner
            and role != StaffRole.owner
            and member.active
            and await staff_queries.active_owner_count(session) <= 1
        ):
            error = i18n.lgettext(lang, "The console needs at least one active owner.")
            return await staff_page_response(request, error=error, status=409)
        await staff_queries.change_role(session, member, role, staff.actor, client_ip(request))
        await session.commit()
    raise web.HTTPSeeOther("/console/staff")


@routes.post("/console/staff/{id}/active", name="console.staff_active")
@requires(Permission.manage_staff)
async def change_active(request: web.Request) -> web.StreamResponse:
    staff = current_staff(request)
    assert staff is not None
    form = await request.post()
    active = form.get("active") == "1"
    lang = page_language(request)
    async with console_config(request).sessions() as session:
        member = await _member(request, session)
        if (
            not active
            and member.role == StaffRole.owner
            and member.active
            and await staff_queries.active_owner_count(session) <= 1
        ):
            error = i18n.lgettext(lang, "The console needs at least one active owner.")
            return await staff_page_response(request, error=error, status=409)
        await staff_queries.set_active(session, member, active, staff.actor, client_ip(request))
        await session.commit()
    raise web.HTTPSeeOther("/console/staff")
