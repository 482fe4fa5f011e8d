"""Reading a console request for the bulletin, subscriber and feed pages: the path's ids (404
when not a number), form fields, who acts, the settings the pages need, and the one-line
notices a redirect carries (`?done=`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from multidict import MultiDictProxy

from newsletter.editions.service import BulletinConfig
from storage.engine import SessionFactory
from web.console import i18n
from web.console.access import current_staff
from web.console.clock import when_in
from web.console.config import console_config
from web.console.rendering import page_language, render

# the bulletin service's settings, set by the composition root (default: from ConsoleConfig)
BULLETIN_CONFIG = web.AppKey("console_bulletin_config", BulletinConfig)
Form = MultiDictProxy[str | bytes | bytearray | web.FileField]


def sessions(request: web.Request) -> SessionFactory:
    return console_config(request).sessions


def zone(request: web.Request) -> ZoneInfo:
    return console_config(request).zone


def bulletin_config(request: web.Request) -> BulletinConfig:
    found = request.app.get(BULLETIN_CONFIG)
    if found is not None:
        return found
    config = console_config(request)
    return BulletinConfig(public_url=config.public_url, timezone=config.zone.key)


def lang(request: web.Request) -> str:
    return page_language(request)


def actor(request: web.Request) -> str:
    staff = current_staff(request)
    return staff.actor if staff is not None else "console"


def path_id(request: web.Request, name: str = "id") -> int:
    """A numeric id from the path; 404 for anything else (never a 500)."""
    value = request.match_info.get(name, "")
    if not value.isdigit() or len(value) > 12:
        raise web.HTTPNotFound()
    return int(value)


def text(form: Form, name: str, limit: int = 10_000) -> str:
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


def texts(form: Form, name: str) -> list[str]:
    return [v.strip() for v in form.getall(name, []) if isinstance(v, str) and v.strip()]


def notice(request: web.Request, notices: Mapping[str, str]) -> str | None:
    """The translated notice a redirect asked for with `?done=<key>`."""
    key = request.query.get("done", "")
    message = notices.get(key)
    return i18n.lgettext(lang(request), message) if message else None


def see_other(location: str, done: str | None = None) -> web.HTTPSeeOther:
    if done:
        location += ("&" if "?" in location else "?") + "done=" + done
    return web.HTTPSeeOther(location)


async def render_page(
    request: web.Request,
    template_name: str,
    context: Mapping[str, Any],
    *,
    block: str | None = None,
    status: int = 200,
) -> web.Response:
    """`rendering.render`, with times formatted by patterns parsed once (`clock`)."""
    values = {"when": when_in(lang(request), zone(request))} | dict(context)
    return await render(request, template_name, values, block=block, status=status)
