"""The public bulletin archive: series, their published editions, Atom feeds, and the generic
unsubscribe and preferences pages that the web version of an edition links to.

Register with one call: `setup_archive_routes(app, sessions, config)`. Drafts, scheduled and
cancelled editions are not public (404). Pages are in the visitor's language: `?lang=`, else
Accept-Language, else the default; strings come from the `archive` gettext domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from aiohttp import web
from jinja2 import Environment, select_autoescape
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from i18n.catalogs import translations
from i18n.formatting import long_date
from i18n.languages import LANGUAGE_NAMES, LANGUAGES, accepted_languages, base_language
from i18n.templates import environment
from newsletter.archive.feed import FeedEntry, FeedHeader, atom_feed
from newsletter.editions.render import (
    LOCALE_DIR,
    TEMPLATE_DIR,
    archive_url,
    web_sections,
    web_version,
)
from storage import bulletins_queries
from storage.bulletins import Edition, EditionStatus, Series
from storage.engine import SessionFactory

DOMAIN = "archive"
PUBLIC = (EditionStatus.approved, EditionStatus.sending, EditionStatus.sent)
FEED_LIMIT = 50


@dataclass(frozen=True, slots=True)
class ArchiveConfig:
    public_url: str = "http://127.0.0.1:8080"
    default_language: str = "en"
    timezone: str = "Europe/Madrid"


SESSIONS = web.AppKey("archive_sessions", SessionFactory)
CONFIG = web.AppKey("archive_config", ArchiveConfig)


def setup_archive_routes(
    app: web.Application, sessions: SessionFactory, config: ArchiveConfig
) -> None:
    """Add / (to the archive), /archive/…, /unsubscribe and /preferences (the token-less pages)
    to `app`."""
    app[SESSIONS] = sessions
    app[CONFIG] = config
    app.router.add_get("/", _home)
    app.router.add_get("/archive", redirect_to_slash)
    app.router.add_get("/archive/", series_list)
    app.router.add_get("/archive/{series}", redirect_to_slash)
    app.router.add_get("/archive/{series}/", series_page)
    app.router.add_get("/archive/{series}/feed.atom", series_feed)
    # an id has at most 18 digits (a 64-bit integer): a longer one is a 404, not an overflow
    app.router.add_get(r"/archive/{series}/{edition:\d{1,18}}", edition_page)
    app.router.add_get("/unsubscribe", unsubscribe_page)
    app.router.add_get("/preferences", preferences_page)


def negotiate_language(
    asked: str | None, accept_language: str | None, supported: tuple[str, ...], default: str
) -> str:
    """`?lang=` if supported, else the best Accept-Language match (by q), else `default`."""
    if asked and base_language(asked) in supported:
        return base_language(asked)
    for tag in accepted_languages(accept_language):
        if base_language(tag) in supported:
            return base_language(tag)
    return default


async def series_list(request: web.Request) -> web.Response:
    lang = visitor_language(request)
    async with request.app[SESSIONS]() as session:
        rows = await bulletins_queries.all_series(session)
    series = [{"slug": s.slug, "title": s.title(lang)} for s in rows]
    return render_page("series_list.html.j2", lang, request.path, series=series)


async def series_page(request: web.Request) -> web.Response:
    lang = visitor_language(request)
    async with request.app[SESSIONS]() as session:
        series = await _series(session, request.match_info["series"])
        shown = lang if lang in (series.languages or ()) else None
        editions = await published_editions(session, series, shown)
    entries = [
        {
            "url": f"/archive/{series.slug}/{e.id}",
            "subject": e.subject,
            "preheader": e.preheader,
            "date": long_date(e.period_end.date(), lang),
            "language": e.language,
        }
        for e in editions
    ]
    feed = f"/archive/{series.slug}/feed.atom" + (f"?lang={shown}" if shown else "")
    return render_page(
        "series.html.j2",
        lang,
        request.path,
        series={"slug": series.slug, "title": series.title(lang)},
        editions=entries,
        feed_url=feed,
    )


async def edition_page(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    async with request.app[SESSIONS]() as session:
        series = await _series(session, request.match_info["series"])
        edition = await session.get(Edition, int(request.match_info["edition"]))
    if edition is None or edition.series_id != series.id or edition.status not in PUBLIC:
        raise web.HTTPNotFound()
    if not edition.html:
        raise web.HTTPNotFound()
    document = web_version(edition.html, public_url=config.public_url)
    styles, sections = web_sections(document)
    language = base_language(edition.language)
    lang = language if language in LANGUAGES else config.default_language
    return render_page(
        "edition.html.j2",
        lang,
        f"/archive/{series.slug}/",  # the switcher leads to the series in another language
        series={"slug": series.slug, "title": series.title(lang)},
        subject=edition.subject,
        date=long_date(edition.period_end.date(), lang),
        language=edition.language,
        styles=Markup(styles),
        sections=Markup(sections),
    )


async def series_feed(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    asked = request.query.get("lang")
    if asked and base_language(asked) not in LANGUAGES:
        raise web.HTTPNotFound()  # there is no feed in a language we do not publish in
    async with request.app[SESSIONS]() as session:
        series = await _series(session, request.match_info["series"])
        language = base_language(asked) if asked else None
        editions = await published_editions(session, series, language, limit=FEED_LIMIT)
    base = config.public_url.rstrip("/")
    title_language = language or config.default_language
    header = FeedHeader(
        url=f"{base}/archive/{series.slug}/feed.atom" + (f"?lang={language}" if language else ""),
        page_url=f"{base}/archive/{series.slug}/",
        title=series.title(title_language),
        author=series.title(title_language),
        language=language,
        updated=series.created_at,
    )
    entries = [
        FeedEntry(
            url=archive_url(config.public_url, series.slug, e.id),
            title=e.subject,
            summary=e.preheader,
            published=published_at(e),
            updated=published_at(e),  # an approved edition's content no longer changes
            language=e.language,
        )
        for e in editions
    ]
    return web.Response(
        body=atom_feed(header, entries), content_type="application/atom+xml", charset="utf-8"
    )


def published_at(edition: Edition) -> datetime:
    """When the edition became public: its scheduled time, else its approval. Fixed from then
    on (sending it changes neither), so a feed reader never sees an entry jump."""
    return edition.send_at or edition.approved_at or edition.updated_at


async def unsubscribe_page(request: web.Request) -> web.Response:
    return render_page(
        "notice.html.j2", visitor_language(request), request.path, notice="unsubscribe"
    )


async def preferences_page(request: web.Request) -> web.Response:
    return render_page(
        "notice.html.j2", visitor_language(request), request.path, notice="preferences"
    )


async def published_editions(
    session: AsyncSession, series: Series, language: str | None, limit: int | None = None
) -> list[Edition]:
    """Public editions of `series` (in `language`, or all), newest first."""
    return await bulletins_queries.editions_in(session, series.id, PUBLIC, language, limit)


async def _home(request: web.Request) -> web.Response:
    """The site's front door is the archive (which offers the subscription form)."""
    raise web.HTTPFound(str(request.rel_url.with_path("/archive/").with_query(request.query)))


async def redirect_to_slash(request: web.Request) -> web.Response:
    """`/path` → `/path/`, keeping the query (`?lang=`)."""
    target = request.rel_url.with_path(request.path + "/").with_query(request.query)
    raise web.HTTPPermanentRedirect(str(target))


async def _series(session: AsyncSession, slug: str) -> Series:
    series = await bulletins_queries.series_by_slug(session, slug)
    if series is None:
        raise web.HTTPNotFound()
    return series


def visitor_language(request: web.Request) -> str:
    """`?lang=`, else Accept-Language, else the default: the language of a public page."""
    config = request.app[CONFIG]
    return negotiate_language(
        request.query.get("lang"),
        request.headers.get("Accept-Language"),
        LANGUAGES,
        config.default_language,
    )


def render_page(template: str, lang: str, here: str, **values: Any) -> web.Response:
    """A public page from `templates/archive/<template>`, in `lang`; `here` is the page's path,
    which the language switcher links to in every other language."""
    html = (
        _environment(lang)
        .get_template(f"archive/{template}")
        .render(lang=lang, here=here, languages=LANGUAGE_NAMES, **values)
    )
    response = web.Response(text=html, content_type="text/html")
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language"
    return response


@lru_cache(maxsize=8)
def _environment(lang: str) -> Environment:
    return environment(
        TEMPLATE_DIR,
        translations(LOCALE_DIR, DOMAIN, lang),
        autoescape=select_autoescape(["html.j2"]),
    )
