"""Bulletins: the series (list, add, cadence), a draft composed on demand, and the editions
by state. The draft editor is in `bulletin_editor`, approving and sending in `bulletin_sending`.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from i18n.languages import LANGUAGES as CATALOG_LANGUAGES
from newsletter.editions import series as series_service
from newsletter.editions import service
from newsletter.editions.errors import BulletinError
from newsletter.subscriptions.service import network_names
from storage import bulletins_queries as edition_queries
from storage.base import utcnow
from storage.bulletins import EditionStatus
from web.console import i18n
from web.console.access import Permission, requires
from web.console.navigation import N_
from web.console.requests import (
    actor,
    bulletin_config,
    lang,
    notice,
    render_page,
    see_other,
    sessions,
    text,
    texts,
)

routes = web.RouteTableDef()
DEFAULT_CADENCE = "0 9 1-7 * tue"
NOTICES = {
    "series": N_("Series added."),
    "composed": N_("Draft composed."),
}
STATE_LABELS = {
    "draft": N_("Drafts"),
    "approved": N_("Approved"),
    "scheduled": N_("Scheduled"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "cancelled": N_("Cancelled"),
}
# the form fields an error of the series service names
SERIES_FIELDS = {"slug": "slug", "--network": "networks", "--lang": "languages"}
SERIES_FIELDS |= {"--title": "titles", "--cadence": "cadence"}


def _state(request: web.Request) -> EditionStatus | None:
    value = request.query.get("state", "draft")
    if value == "all":
        return None
    try:
        return EditionStatus(value)
    except ValueError:
        raise web.HTTPNotFound() from None


async def _page(
    request: web.Request,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    state = _state(request)
    async with sessions(request)() as session:
        series = await series_service.list_series(session)
        editions = await edition_queries.editions_in_state(session, state)
        counts = await edition_queries.state_counts(session)
        networks = await network_names(session, lang(request))
    return await render_page(
        request,
        "bulletins.html",
        {
            "series": series,
            "editions": editions,
            "counts": counts,
            "state": state.value if state else "all",
            "state_labels": STATE_LABELS,
            "networks": networks,
            "catalog_languages": CATALOG_LANGUAGES,
            "form": form or {"cadence": DEFAULT_CADENCE, "titles": {}},
            "errors": errors or {},
            "notice": notice(request, NOTICES),
        },
        block="editions",
        status=status,
    )


@routes.get("/console/bulletins", name="console.bulletins")
@requires(Permission.read)
async def bulletins_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@routes.post("/console/bulletins/series", name="console.series.add")
@requires(Permission.edit_bulletins)
async def add_series(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    slug = text(form, "slug", 100).strip().lower()
    networks = texts(form, "networks")
    languages = texts(form, "languages")
    titles = {code: text(form, f"title_{code}", 200).strip() for code in CATALOG_LANGUAGES}
    cadence = text(form, "cadence", 100).strip() or DEFAULT_CADENCE
    values = {
        "slug": slug,
        "networks": networks,
        "languages": languages,
        "titles": titles,
        "cadence": cadence,
    }
    try:
        async with sessions(request)() as session:
            await series_service.add_series(
                session,
                slug,
                networks=networks,
                languages=languages,
                titles={code: titles[code] for code in languages},
                cadence=cadence,
                timezone=bulletin_config(request).timezone,
                actor=actor(request),
            )
    except series_service.SeriesError as exc:
        field = SERIES_FIELDS.get(exc.field, "slug")
        return await _page(request, form=values, errors={field: i18n.English(exc)}, status=422)
    raise see_other("/console/bulletins", "series")


@routes.post("/console/bulletins/series/{slug}/compose", name="console.series.compose")
@requires(Permission.edit_bulletins)
async def compose(request: web.Request) -> web.StreamResponse:
    """Compose (or compose again) the draft of a series in one language, now."""
    form = await request.post()
    slug = request.match_info["slug"]
    async with sessions(request)() as session:
        await service.get_series(session, slug)
        try:
            edition = await service.compose_draft(
                session,
                slug,
                text(form, "language", 8),
                utcnow(),
                config=bulletin_config(request),
                actor=actor(request),
            )
        except BulletinError as exc:
            return await _page(request, errors={"compose": i18n.English(exc)}, status=409)
    raise see_other(f"/console/bulletins/editions/{edition.id}", "composed")
