"""The campaign kit in the console: build it (the builder `aive campaign kit` uses, published
where `/campaigns/<year>/kit/` serves it), preview its page per language, download its zip."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from campaigns.errors import CampaignError
from campaigns.kit.builder import language_index
from campaigns.kit.content import KIT_LANGUAGES
from campaigns.kit.publish import publish_kit
from newsletter.editions.render import RenderError
from web.console import i18n
from web.console.access import Permission, requires
from web.console.campaign import YEAR, campaign_config, can_run, load_campaign, path_year
from web.console.navigation import N_
from web.console.requests import actor, lang, notice, render_page, see_other, sessions
from web.public.kit import TEXT_TYPES, published_kit

routes = web.RouteTableDef()
PATH = f"/console/campaign/{YEAR}/kit"
NOTICES = {"built": N_("Kit built and published: it passed its checks.")}
# the kit's pages carry their own styles; no script; framed by the console only
FILE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https: http:; "
    "frame-ancestors 'self'; sandbox"
)


def kit_folder(request: web.Request, year: int) -> Path:
    return published_kit(campaign_config(request).kit_dir, year)


def _built(folder: Path) -> dict[str, Any] | None:
    """What is published: its files, the zip's size and when it was built (None: no kit)."""
    archive = folder.with_suffix(".zip")
    if not folder.is_dir() or not archive.is_file():
        return None
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    stat = archive.stat()
    return {
        "files": files,
        "zip_size": stat.st_size,
        "built_at": datetime.fromtimestamp(stat.st_mtime, UTC),
        "languages": [x for x in KIT_LANGUAGES if (folder / language_index(x)).is_file()],
    }


async def kit_page(
    request: web.Request, *, problems: list[str] | None = None, error: str = "", status: int = 200
) -> web.Response:
    year = path_year(request)
    async with sessions(request)() as session:
        campaign = await load_campaign(session, year)
    built = _built(kit_folder(request, year))
    shown = request.query.get("lang", lang(request))
    if built and shown not in built["languages"]:
        shown = built["languages"][0] if built["languages"] else ""
    context = {
        "campaign": campaign,
        "built": built,
        "shown": shown,
        "preview": language_index(shown) if shown else "",
        "public_url": campaign_config(request).kit_url(year),
        "problems": problems or [],
        "error": error,
        "can_run": can_run(request),
        "notice": notice(request, NOTICES),
    }
    return await render_page(request, "kit.html", context, status=status)


@routes.get(PATH, name="console.kit")
@requires(Permission.read)
async def show(request: web.Request) -> web.StreamResponse:
    return await kit_page(request)


@routes.post(PATH, name="console.kit.build")
@requires(Permission.run_campaigns)
async def build(request: web.Request) -> web.StreamResponse:
    """Build and publish the kit (a few seconds: cards, calendar, email, zip)."""
    year = path_year(request)
    config = campaign_config(request)
    async with sessions(request)() as session:
        await load_campaign(session, year)
        try:
            _manifest, problems = await publish_kit(
                session,
                year,
                kit_folder(request, year),
                default_url=config.kit_url(year),
                actor=actor(request),
            )
        except (CampaignError, RenderError, OSError) as exc:
            return await kit_page(request, error=i18n.English(exc), status=500)
    if problems:
        return await kit_page(request, problems=problems, status=422)
    raise see_other(f"/console/campaign/{year}/kit", "built")


@routes.get(PATH + "/files/{path:.+}", name="console.kit.file")
@requires(Permission.read)
async def kit_file(request: web.Request) -> web.StreamResponse:
    """A file of the published kit (the preview frames its page); nothing outside it."""
    base = kit_folder(request, path_year(request)).resolve()
    target = (base / request.match_info["path"]).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        raise web.HTTPNotFound()
    response = web.FileResponse(target)
    text_type = TEXT_TYPES.get(target.suffix)
    if text_type is not None:
        response.content_type = text_type
        response.charset = "utf-8"
    response.headers["Content-Security-Policy"] = FILE_POLICY
    return response


@routes.get(f"/console/campaign/{YEAR}/kit.zip", name="console.kit.zip")
@requires(Permission.read)
async def kit_zip(request: web.Request) -> web.StreamResponse:
    year = path_year(request)
    archive = kit_folder(request, year).with_suffix(".zip")
    if not archive.is_file():
        raise web.HTTPNotFound()
    response = web.FileResponse(archive)
    response.headers["Content-Disposition"] = f'attachment; filename="aive-kit-{year}.zip"'
    return response
