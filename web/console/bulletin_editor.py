"""One edition: the draft editor (subject, editorial in Markdown with its preview, pin / leave
out / move items, the spread report, the live preview per language at 375 or 600 px) and, once
approved, its sending and stats (`bulletin_sending` holds those actions).

Every button is a form that works without JavaScript (POST, then back to the page); htmx only
swaps the part that changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.editions import desk, service
from newsletter.editions import review as draft_review
from newsletter.editions.errors import BulletinError, EditionLocked
from newsletter.editions.render import web_version
from storage import bulletins_queries as edition_queries
from storage.bulletins import EditionStatus
from web.console import i18n
from web.console.access import Permission, current_staff, requires
from web.console.navigation import N_
from web.console.requests import (
    actor,
    bulletin_config,
    notice,
    path_id,
    render_page,
    see_other,
    sessions,
    text,
)
from web.public.draft_preview import as_preview

routes = web.RouteTableDef()
WIDTHS = (600, 375)
NOTICES = {
    "composed": N_("Draft composed."),
    "saved": N_("Saved: the preview shows the change."),
    "tested": N_("Test email sent to your address."),
    "approved": N_("Approved: it goes out at the next sending round."),
    "scheduled": N_("Approved: it goes out at the time you chose."),
    "cancelled": N_("Edition cancelled."),
}
# the preview is the email itself: its own styles, no script, framed by the console only
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
    "frame-ancestors 'self'; sandbox"
)


async def edition_page(
    request: web.Request,
    edition_id: int,
    *,
    errors: dict[str, str] | None = None,
    editorial: str | None = None,
    status: int = 200,
    block: str | None = None,
) -> web.Response:
    staff = current_staff(request)
    if block == "sending" and request.headers.get("HX-Request") == "true":
        # the polled part needs only the sending's figures
        async with sessions(request)() as session:
            edition = await service.get_edition(session, edition_id)
            stats = await desk.figures(session, edition)
        sending = {"edition": edition, "stats": stats, "outcomes": desk.outcome_bars(stats)}
        sending["progress"] = desk.progress(stats)
        return await render_page(request, "edition.html", sending, block=block)
    async with sessions(request)() as session:
        edition = await service.get_edition(session, edition_id)
        versions = await edition_queries.language_versions(session, edition)
        items = await desk.draft_items(session, edition)
        stats = await desk.figures(session, edition)
    width = 375 if request.query.get("width") == "375" else 600
    draft_text = edition.editorial or "" if editorial is None else editorial
    context: dict[str, Any] = {
        "edition": edition,
        "versions": versions,
        "items": items,
        "is_draft": edition.status is EditionStatus.draft,
        "can_edit": staff is not None and staff.can(Permission.edit_bulletins),
        "edits": service.current_edits(edition),
        "spread": desk.spread_bars(edition.content or {}),
        "spread_total": (edition.content or {}).get("spread", {}).get("total", 0),
        "stats": stats,
        "outcomes": desk.outcome_bars(stats),
        "progress": desk.progress(stats),
        "width": width,
        "widths": WIDTHS,
        "editorial": draft_text,
        "editorial_preview": desk.editorial_preview(draft_text),
        "editorial_limit": draft_review.EDITORIAL_LIMIT,
        "errors": errors or {},
        "notice": notice(request, NOTICES),
        "zone": bulletin_config(request).timezone,
    }
    return await render_page(request, "edition.html", context, block=block, status=status)


@routes.get("/console/bulletins/editions/{id:[0-9]+}", name="console.edition")
@requires(Permission.read)
async def edition_view(request: web.Request) -> web.StreamResponse:
    return await edition_page(request, path_id(request))


@routes.get("/console/bulletins/editions/{id:[0-9]+}/preview", name="console.edition.preview")
@requires(Permission.read)
async def preview(request: web.Request) -> web.StreamResponse:
    """The email as readers will see it (framed by the edition page)."""
    async with sessions(request)() as session:
        edition = await service.get_edition(session, path_id(request))
    if not edition.html:
        raise web.HTTPNotFound()
    page = web_version(edition.html, public_url=bulletin_config(request).public_url)
    response = web.Response(text=as_preview(page, edition), content_type="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    return response


Change = Callable[[AsyncSession, int], Awaitable[object]]


async def _change(
    request: web.Request, change: Change, *, field: str, editorial: str | None = None
) -> web.StreamResponse:
    """Run one edit of the draft; back to the page (or its refreshed part for htmx)."""
    edition_id = path_id(request)
    async with sessions(request)() as session:
        await service.get_edition(session, edition_id)
        try:
            await change(session, edition_id)
        except EditionLocked as exc:
            return await edition_page(
                request, edition_id, errors={field: i18n.English(exc)}, status=409
            )
        except BulletinError as exc:
            return await edition_page(
                request,
                edition_id,
                errors={field: i18n.English(exc)},
                editorial=editorial,
                status=422,
            )
    if request.headers.get("HX-Request") == "true":
        return await edition_page(request, edition_id, block="draft")
    raise see_other(f"/console/bulletins/editions/{edition_id}", "saved")


@routes.post("/console/bulletins/editions/{id:[0-9]+}/subject", name="console.edition.subject")
@requires(Permission.edit_bulletins)
async def set_subject(request: web.Request) -> web.StreamResponse:
    subject = text(await request.post(), "subject", 1000)
    config, who = bulletin_config(request), actor(request)

    async def change(session: AsyncSession, edition_id: int) -> object:
        return await desk.set_subject(session, edition_id, subject, config, who)

    return await _change(request, change, field="subject")


@routes.post("/console/bulletins/editions/{id:[0-9]+}/editorial", name="console.edition.editorial")
@requires(Permission.edit_bulletins)
async def set_editorial(request: web.Request) -> web.StreamResponse:
    """Save the editorial, or (the Preview button) only show its preview, unsaved."""
    form = await request.post()
    editorial = text(form, "editorial", 20_000)
    if text(form, "action") == "preview":
        block = "editorial_preview" if request.headers.get("HX-Request") == "true" else None
        return await edition_page(request, path_id(request), editorial=editorial, block=block)
    config, who = bulletin_config(request), actor(request)

    async def change(session: AsyncSession, edition_id: int) -> object:
        return await draft_review.set_editorial(session, edition_id, editorial, config, who)

    return await _change(request, change, field="editorial", editorial=editorial)


ITEM_ACTIONS = ("pin", "leave-out", "up", "down")


@routes.post(
    "/console/bulletins/editions/{id:[0-9]+}/items/{item:[0-9]+}/{action}",
    name="console.edition.item",
)
@requires(Permission.edit_bulletins)
async def item_action(request: web.Request) -> web.StreamResponse:
    """Pin or unpin, leave out or put back, move up or down one item of the draft."""
    item_id = path_id(request, "item")
    action = request.match_info["action"]
    if action not in ITEM_ACTIONS:
        raise web.HTTPNotFound()
    config, who = bulletin_config(request), actor(request)

    async def change(session: AsyncSession, edition_id: int) -> object:
        if action == "pin":
            return await desk.toggle_pin(session, edition_id, item_id, config, who)
        if action == "leave-out":
            return await draft_review.toggle_item(session, edition_id, item_id, config, who)
        step = -1 if action == "up" else 1
        return await desk.move_item(session, edition_id, item_id, step, config, who)

    return await _change(request, change, field="items")
