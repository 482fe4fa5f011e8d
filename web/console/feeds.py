"""Feeds: the sources with their health (last success, last error, items, next fetch), add
one, import an OPML file (each outline refused is reported), disable or enable, fetch now
(the source becomes due: the scheduler's next round fetches it)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from newsletter.feeds.opml import OpmlError, parse_opml
from newsletter.feeds.sources import (
    OpmlImport,
    SourceError,
    add_source,
    fetch_soon,
    get_source,
    import_opml_sources,
    set_enabled,
    source_status,
)
from newsletter.subscriptions.service import network_names
from storage.base import utcnow
from web.console import i18n
from web.console.access import Permission, requires
from web.console.navigation import N_
from web.console.requests import (
    actor,
    lang,
    notice,
    path_id,
    render_page,
    see_other,
    sessions,
    text,
    texts,
)

routes = web.RouteTableDef()
MAX_OPML_BYTES = 2 * 1024 * 1024
NOTICES = {
    "added": N_("Source added."),
    "updated": N_("Source updated."),
    "disabled": N_("Source disabled: it is no longer fetched."),
    "enabled": N_("Source enabled."),
    "fetch": N_("The source will be fetched at the next round, within a few minutes."),
}


async def _page(
    request: web.Request,
    *,
    form: dict[str, Any] | None = None,
    error: str | None = None,
    opml: OpmlImport | None = None,
    opml_error: str | None = None,
    status: int = 200,
) -> web.Response:
    async with sessions(request)() as session:
        rows = await source_status(session)
        networks = await network_names(session, lang(request))
    return await render_page(
        request,
        "feeds.html",
        {
            "sources": rows,
            "networks": networks,
            "form": form or {},
            "error": error,
            "opml": opml,
            "opml_error": opml_error,
            "notice": notice(request, NOTICES),
            "now": utcnow(),
        },
        status=status,
    )


@routes.get("/console/feeds", name="console.feeds")
@requires(Permission.read)
async def feeds_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@routes.post("/console/feeds", name="console.feeds.add")
@requires(Permission.manage_feeds)
async def add(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    url = text(form, "url", 2000).strip()
    title = text(form, "title", 500).strip() or None
    networks = texts(form, "networks")
    city = text(form, "city", 200).strip() or None
    language = text(form, "language", 16).strip() or None
    values = {"url": url, "title": title, "networks": networks, "city": city, "language": language}
    async with sessions(request)() as session:
        try:
            _, created = await add_source(
                session, url, networks, city, language, title, actor(request), local_files=False
            )
        except SourceError as exc:
            return await _page(request, form=values, error=i18n.English(exc), status=422)
        await session.commit()
    raise see_other("/console/feeds", "added" if created else "updated")


@routes.post("/console/feeds/import", name="console.feeds.opml")
@requires(Permission.manage_feeds)
async def import_opml(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        error = i18n.lgettext(lang(request), "File: please choose an OPML file.")
        return await _page(request, opml_error=error, status=422)
    data = upload.file.read(MAX_OPML_BYTES + 1)
    if len(data) > MAX_OPML_BYTES:
        error = i18n.lgettext(lang(request), "File: it is larger than 2 MB.")
        return await _page(request, opml_error=error, status=413)
    try:
        parsed = parse_opml(data)
    except OpmlError as exc:
        return await _page(request, opml_error=i18n.English(exc), status=422)
    async with sessions(request)() as session:
        result = await import_opml_sources(session, parsed, actor=actor(request))
        await session.commit()
    return await _page(request, opml=result)


ACTIONS = ("disable", "enable", "fetch")


@routes.post("/console/feeds/{id:[0-9]+}/{action}", name="console.feeds.action")
@requires(Permission.manage_feeds)
async def source_action(request: web.Request) -> web.StreamResponse:
    source_id = path_id(request)
    action = request.match_info["action"]
    if action not in ACTIONS:
        raise web.HTTPNotFound()
    now = utcnow()
    async with sessions(request)() as session:
        try:
            await get_source(session, source_id)
        except SourceError:
            raise web.HTTPNotFound() from None
        try:
            if action == "fetch":
                await fetch_soon(session, source_id, actor(request), now)
            else:
                await set_enabled(session, source_id, action == "enable", actor(request), now)
        except SourceError as exc:
            return await _page(request, error=i18n.English(exc), status=409)
        await session.commit()
    raise see_other(
        "/console/feeds", {"disable": "disabled", "enable": "enabled"}.get(action, "fetch")
    )
