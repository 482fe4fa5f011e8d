"""A draft's preview for staff: `/archive/preview/<token>`, the web version of a draft (or of
any edition) behind a signed, expiring token, so that staff read it in a browser without an
account, and nobody else can guess the address of an unpublished bulletin.

The bot and the console hand out the links (`newsletter.editions.preview_links`); a token is for
one edition and expires. Pages are marked not to be indexed or cached.
"""

from __future__ import annotations

from aiohttp import web

from newsletter.editions.preview_links import edition_of_token
from newsletter.editions.render import email_as_page, translations, web_version
from storage.bulletins import Edition, EditionStatus
from storage.engine import SessionFactory

PREVIEW_SESSIONS = web.AppKey("preview_sessions", SessionFactory)
PREVIEW_KEY = web.AppKey("preview_key", str)
PREVIEW_PUBLIC_URL = web.AppKey("preview_public_url", str)


def as_preview(document: str, edition: Edition) -> str:
    """The edition's HTML as a page, with a line on top saying it is not published (in its
    language) unless it is."""
    if edition.status in (EditionStatus.approved, EditionStatus.sending, EditionStatus.sent):
        return email_as_page(document)
    text = translations(edition.language).gettext(
        "Draft: not published yet. This preview is for the secretariat."
    )
    banner = (
        '<p style="margin:0;background:#fff3cd;color:#5c4400;padding:10px;'
        f'text-align:center;font-family:Arial,sans-serif;font-size:14px">{text}</p>'
    )
    return email_as_page(document, banner)


async def preview_page(request: web.Request) -> web.Response:
    edition_id = edition_of_token(request.app[PREVIEW_KEY], request.match_info["token"])
    if edition_id is None:
        raise web.HTTPNotFound()
    async with request.app[PREVIEW_SESSIONS]() as session:
        edition = await session.get(Edition, edition_id)
    if edition is None or not edition.html:
        raise web.HTTPNotFound()
    page = web_version(edition.html, public_url=request.app[PREVIEW_PUBLIC_URL])
    response = web.Response(text=as_preview(page, edition), content_type="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def setup_preview_routes(
    app: web.Application, sessions: SessionFactory, public_url: str, key: str
) -> None:
    app[PREVIEW_SESSIONS] = sessions
    app[PREVIEW_KEY] = key
    app[PREVIEW_PUBLIC_URL] = public_url
    app.router.add_get("/archive/preview/{token}", preview_page)
