"""Where cities get the kit: `/campaigns/<year>/kit/` serves the kit `aive campaign kit` built
into `AIVE_KIT_DIR/<year>/` (its index in the reader's language: `?lang=`, else the browser's;
every file under it) and `/campaigns/<year>/kit.zip` the whole kit. Nothing outside that folder
is reachable; a year without a kit is 404.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from campaigns.kit.builder import INDEX, language_index
from campaigns.kit.content import KIT_LANGUAGES
from newsletter.subscriptions.i18n import choose_language
from web.public.archive import redirect_to_slash

KIT_DIR = web.AppKey("kit_dir", Path)
# aiohttp's own table serves these as application/octet-stream; the kit's text is UTF-8
TEXT_TYPES = {
    ".ics": "text/calendar",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".html": "text/html",
    ".mjml": "text/plain",
}


def published_kit(kit_dir: Path, year: int) -> Path:
    """The folder a year's kit is published in (its zip sits beside it, `<year>.zip`)."""
    return kit_dir / str(year)


async def kit_file(request: web.Request) -> web.StreamResponse:
    base = published_kit(request.app[KIT_DIR], int(request.match_info["year"])).resolve()
    wanted = request.match_info["path"] or INDEX
    if wanted == INDEX:
        wanted = _index_for_reader(request, base)
    target = (base / wanted).resolve()
    if target.is_dir():
        target = (target / "index.html").resolve()  # the final path, links followed
    if not target.is_relative_to(base) or not target.is_file():
        raise web.HTTPNotFound()
    response = web.FileResponse(target)
    text_type = TEXT_TYPES.get(target.suffix)
    if text_type is not None:
        response.content_type = text_type
        response.charset = "utf-8"
    if request.match_info["path"] in ("", INDEX):
        response.headers["Vary"] = "Accept-Language"
    return response


def _index_for_reader(request: web.Request, base: Path) -> str:
    """The kit's page in the reader's language, or `index.html` (the first language's)."""
    available = [lang for lang in KIT_LANGUAGES if (base / language_index(lang)).is_file()]
    language = choose_language(
        request.query.get("lang"), request.headers.get("Accept-Language"), "", available=available
    )
    return language_index(language) if language else INDEX


async def kit_zip(request: web.Request) -> web.StreamResponse:
    folder = published_kit(request.app[KIT_DIR], int(request.match_info["year"]))
    archive = folder.with_suffix(".zip")
    if not archive.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(archive)


def setup_kit_routes(app: web.Application, kit_dir: Path) -> None:
    app[KIT_DIR] = kit_dir
    app.router.add_get(r"/campaigns/{year:\d{4}}/kit", redirect_to_slash)
    app.router.add_get(r"/campaigns/{year:\d{4}}/kit/{path:.*}", kit_file)
    app.router.add_get(r"/campaigns/{year:\d{4}}/kit.zip", kit_zip)
