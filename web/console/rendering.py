"""Pages and htmx fragments: aiohttp-jinja2 holds the console's Jinja2 environment;
jinja2-fragments renders one block when htmx asks (`HX-Request`) and the route names it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from babel.support import NullTranslations
from jinja2_fragments import render_block_async
from markupsafe import Markup

from web.console import i18n
from web.console.access import current_staff
from web.console.config import console_config
from web.console.csrf import csrf_token
from web.console.navigation import NAV, ROLE_LABELS

TEMPLATES = Path(__file__).resolve().parent / "templates"
JINJA = web.AppKey("console_jinja", jinja2.Environment)


# Jinja's newstyle gettext calls these with the template's context, then fills `%(name)s` itself
@jinja2.pass_context
def _gettext(context: Any, message: str) -> str:
    return _translations(context).gettext(message)


@jinja2.pass_context
def _ngettext(context: Any, singular: str, plural: str, n: int) -> str:
    return _translations(context).ngettext(singular, plural, n)


def _translations(context: Any) -> NullTranslations:
    return i18n.translations(context.get("lang", "en"), context.get("gettext_domain"))


def show_error(message: str, lead: str) -> Markup:
    """An error paragraph: the message in the reader's language, or an `i18n.English` one (a
    domain error's text) marked `lang="en"` behind the translated `lead`."""
    if isinstance(message, i18n.English):
        html = '<p class="error" role="alert">{} <span lang="en">{}</span></p>'
        return Markup(html).format(lead, message)
    return Markup('<p class="error" role="alert">{}</p>').format(message)


def setup_rendering(app: web.Application) -> None:
    env = aiohttp_jinja2.setup(
        app,
        app_key=JINJA,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        enable_async=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # newstyle: `_()` escapes and formats itself; the callables read the page's language
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["language_names"] = i18n.LANGUAGE_NAMES
    env.globals["languages"] = i18n.LANGUAGES
    env.globals["show_error"] = show_error


def page_language(request: web.Request) -> str:
    """The signed-in staff member's language; for visitors `?lang=`, then the browser's, then
    the secretariat's default."""
    staff = current_staff(request)
    if staff is not None:
        return staff.language
    asked = i18n.supported(request.query.get("lang"))
    if asked:
        return asked
    for part in request.headers.get("Accept-Language", "").split(","):
        found = i18n.supported(part.split(";")[0])
        if found:
            return found
    return console_config(request).default_language


def route_domain(request: web.Request) -> str | None:
    """The gettext domain of the page module whose route answers `request`, if it has one."""
    handler = getattr(request.match_info.route, "handler", None)
    return i18n.page_domain(getattr(handler, "__module__", "") or "")


def page_context(request: web.Request, context: Mapping[str, Any]) -> dict[str, Any]:
    lang = page_language(request)
    config = console_config(request)
    zone = config.zone

    def when(moment: datetime | None, format: str = "medium") -> str:
        return i18n.when(moment, lang, zone, format)

    return {
        "request": request,
        "gettext_domain": route_domain(request),
        "staff": current_staff(request),
        "csrf_token": csrf_token(request),
        "lang": lang,
        "when": when,
        "number": lambda value: i18n.number(value, lang),
        "percent": lambda value: i18n.percent(value, lang),
        "path": request.path,
        "zone_name": zone.key,
        "role_label": lambda role: i18n.lgettext(lang, ROLE_LABELS.get(str(role), str(role))),
        "nav": [
            (item, i18n.lgettext(lang, item.label))
            for item in NAV
            if (staff := current_staff(request)) is not None and staff.can(item.permission)
        ],
    } | dict(context)


async def render(
    request: web.Request,
    template_name: str,
    context: Mapping[str, Any],
    *,
    block: str | None = None,
    status: int = 200,
) -> web.Response:
    """The page `template_name`, or only its `block` when htmx asked for it."""
    env = request.app[JINJA]
    values = page_context(request, context)
    if block is not None and request.headers.get("HX-Request") == "true":
        text = await render_block_async(env, template_name, block, **values)
    else:
        text = await env.get_template(template_name).render_async(**values)
    response = web.Response(text=text, content_type="text/html", status=status)
    response.headers["Content-Language"] = values["lang"]
    return response
