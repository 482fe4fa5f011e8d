"""Render a composed edition: Jinja2 (autoescaped) → MJML → HTML, plus a plain-text part.

An edition is rendered once for all its recipients: the name and links are the
tokens of `newsletter.delivery.placeholders`, filled at send time. `web_version` gives the
public archive (the same HTML with neutral values).

UI strings come from the gettext catalogs in `newsletter/locales` (compile them first with
`python -m app.catalogs compile`); dates and country names are formatted with Babel.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import css_inline
import nh3
from babel.dates import format_date, format_skeleton, format_time
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markdown_it import MarkdownIt
from markupsafe import Markup
from mjml import mjml2html

from i18n import catalogs
from i18n.formatting import babel_locale
from i18n.languages import base_language
from i18n.templates import environment
from newsletter.delivery.placeholders import Part, Slot, StandIns, defuse, fill, substitutions
from newsletter.editions.values import ComposedEdition, SectionKind
from newsletter.errors import NewsletterError

PACKAGE_DIR = Path(__file__).resolve().parents[1]
TEMPLATE_DIR = PACKAGE_DIR / "templates"
LOCALE_DIR = PACKAGE_DIR / "locales"
DOMAIN = "newsletter"
# edition.mjml.j2 marks where the sections start and end (see `web_sections`)
SECTIONS_START, SECTIONS_END = "<!--aive:sections-->", "<!--/aive:sections-->"


class RenderError(NewsletterError):
    """The edition cannot be rendered; the message says why in one sentence."""


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What the edition alone does not know: where it lives and what it is called."""

    series_slug: str
    series_title: str
    edition_id: int | str
    public_url: str  # AIVE_PUBLIC_URL
    subject: str | None = None  # default: "<series title> · <date>"
    preheader: str | None = None  # default: the editorial's start, or the first headlines
    timezone: str = "Europe/Madrid"  # for dates and café times


@dataclass(frozen=True, slots=True)
class RenderedEdition:
    subject: str
    preheader: str
    html: str  # with the tokens of newsletter.delivery.placeholders
    text: str  # idem
    web_url: str


def archive_url(public_url: str, series_slug: str, edition_id: int | str) -> str:
    return f"{public_url.rstrip('/')}/archive/{series_slug}/{edition_id}"


def render_edition(edition: ComposedEdition, context: RenderContext) -> RenderedEdition:
    """Render the HTML and text parts once, with per-recipient placeholders.

    Text from the edition never forms a placeholder (see `placeholders.defuse`).
    Raises `RenderError` if a catalog is not compiled or MJML rejects the document.
    """
    stand_ins = StandIns()
    variables = _variables(edition, context, stand_ins)
    html = mjml_to_html(_render_mjml(edition, variables, stand_ins))
    text_variables = {**variables, **_tokens(Part.TEXT, stand_ins)}
    text = _environment(edition.language).get_template("edition.txt.j2").render(text_variables)
    return RenderedEdition(
        subject=variables["subject"],
        preheader=variables["preheader"],
        html=html,
        text=_tidy_text(stand_ins.restore(text)),
        web_url=variables["web_url"],
    )


def render_mjml(edition: ComposedEdition, context: RenderContext) -> str:
    """The MJML source of the edition (useful for debugging and benchmarks)."""
    stand_ins = StandIns()
    return _render_mjml(edition, _variables(edition, context, stand_ins), stand_ins)


def _render_mjml(edition: ComposedEdition, variables: dict[str, Any], stand_ins: StandIns) -> str:
    template = _environment(edition.language).get_template("edition.mjml.j2")
    return stand_ins.restore(template.render(variables))


# The rules of our `<mj-style>` blocks (section headings, titles, meta, badges) are also written
# into each element's `style`: mjml-python leaves them in a `<style>` block, which Gmail's mobile
# webmail ignores. The block stays for the clients that read it.
_MJ_STYLE = re.compile(r"<mj-style[^>]*>(.*?)</mj-style>", re.S)


def mjml_to_html(source: str) -> str:
    """MJML → HTML with our own styles inlined. Raises `RenderError` if MJML rejects `source`."""
    try:
        html = str(mjml2html(source))
    except ValueError as error:
        raise RenderError(f"MJML could not be converted to HTML: {error}") from error
    css = "\n".join(_MJ_STYLE.findall(source))
    if not css.strip():
        return html
    inliner = css_inline.CSSInliner(
        inline_style_tags=False, keep_style_tags=True, load_remote_stylesheets=False, extra_css=css
    )
    return str(inliner.inline(html))


def web_version(document: str, *, public_url: str) -> str:
    """The archive page (or text): no name, and links to the generic unsubscribe and
    preferences pages, where a reader gives their address."""
    base = public_url.rstrip("/")
    values = {
        Slot.NAME: "",
        Slot.UNSUBSCRIBE_URL: f"{base}/unsubscribe",
        Slot.PREFERENCES_URL: f"{base}/preferences",
    }
    return fill(document, substitutions(values))


def web_sections(document: str) -> tuple[str, str]:
    """The styles and the sections of a rendered edition, for its page in the archive: what
    only a recipient should read ("View in your browser", the greeting, why they receive it)
    is left out. An edition rendered before the sections were marked gives its whole body."""
    styles = "".join(re.findall(r"<style[^>]*>.*?</style>", document, re.S))
    start, end = document.find(SECTIONS_START), document.find(SECTIONS_END)
    if start >= 0 and end > start:
        return styles, document[start + len(SECTIONS_START) : end]
    body = _BODY.search(document)
    return styles, body.group(2) if body else document


_BODY = re.compile(r"(<body[^>]*>)(.*)(</body>)", re.S | re.I)


def email_as_page(document: str, banner: str = "") -> str:
    """An email read in a browser (a draft's preview, the kit's email): `banner`, then its
    content, in a `<main>` landmark (mail clients ignore it); screen readers and their users'
    "skip to the content" find it there."""
    return _BODY.sub(lambda m: f"{m[1]}<main>{banner}{m[2]}</main>{m[3]}", document, count=1)


def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog for `language`; English wording for a language we do not have
    (and for a catalog not compiled, with a warning: see i18n.catalogs)."""
    return catalogs.translations(LOCALE_DIR, DOMAIN, language)


@lru_cache(maxsize=16)
def _environment(language: str) -> Environment:
    env = environment(
        TEMPLATE_DIR,
        translations(language),
        autoescape=lambda name: name is None or not name.endswith(".txt.j2"),
        strict=True,
        keep_trailing_newline=True,
        finalize=_defused,
    )
    env.filters.update(
        base_language=base_language,
        safe_url=safe_url,
        paragraphs=paragraphs,
        editorial_html=editorial_html,
        day=_day,
        short_day=_short_day,
        clock=_clock,
        country_name=_country_name,
    )
    return env


def _variables(
    edition: ComposedEdition, context: RenderContext, stand_ins: StandIns
) -> dict[str, Any]:
    locale = babel_locale(edition.language)
    tz = ZoneInfo(context.timezone)
    day = format_date(edition.edition_date.astimezone(tz).date(), "long", locale=locale)
    return {
        "language": edition.language,
        "locale": locale,
        "tz": tz,
        "sections": edition.sections,
        "series_title": context.series_title,
        "edition_date": edition.edition_date,
        "subject": defuse(context.subject or f"{context.series_title} · {day}"),
        "preheader": defuse(context.preheader or default_preheader(edition)),
        "web_url": archive_url(context.public_url, context.series_slug, context.edition_id),
        **_tokens(Part.HTML, stand_ins),
    }


def _tokens(part: Part, stand_ins: StandIns) -> dict[str, str]:
    """Per-recipient parts as stand-ins for the tokens of `part` (filled at send time, see
    delivery.placeholders)."""
    return {
        "NAME": stand_ins.word(Slot.NAME, part),
        "UNSUBSCRIBE": stand_ins.word(Slot.UNSUBSCRIBE_URL, part),
        "PREFERENCES": stand_ins.word(Slot.PREFERENCES_URL, part),
    }


def _defused(value: Any) -> Any:
    """Every value a template prints, defused (Jinja's `finalize`)."""
    if isinstance(value, Markup):
        return Markup(defuse(value))
    return defuse(value) if isinstance(value, str) else value


def default_preheader(edition: ComposedEdition, limit: int = 140) -> str:
    editorial = edition.section(SectionKind.editorial)
    if editorial is not None:
        text = " ".join(editorial.text.split())
    else:
        titles = [p.item.title for s in edition.sections for p in s.items]
        text = " · ".join(titles[:3])
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})
EDITORIAL_TAGS = {"p", "strong", "em", "a", "ul", "ol", "li", "br", "blockquote"}


def safe_url(url: str | None) -> str:
    """Only http(s) links reach the email: anything else (javascript:, data:) becomes ""."""
    if not url:
        return ""
    url = url.strip()
    return url if urlsplit(url).scheme.lower() in ("http", "https") else ""


def editorial_html(text: str) -> Markup:
    """The editorial's Markdown (CommonMark: emphasis, links, lists) as email HTML; raw HTML in
    it is shown as text and only http(s) and mailto links are kept."""
    html = nh3.clean(
        _MARKDOWN.render(text or ""),
        tags=EDITORIAL_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    return Markup(html.replace("<p>", '<p style="margin:0 0 12px">'))


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _local_date(ctx: Context, value: date | datetime) -> date:
    return value.astimezone(ctx["tz"]).date() if isinstance(value, datetime) else value


@pass_context
def _day(ctx: Context, value: date | datetime) -> str:
    return format_date(_local_date(ctx, value), "long", locale=ctx["locale"])


@pass_context
def _short_day(ctx: Context, value: date | datetime) -> str:
    return format_skeleton("MMMEd", _local_date(ctx, value), locale=ctx["locale"])


@pass_context
def _clock(ctx: Context, value: datetime) -> str:
    return format_time(value.astimezone(ctx["tz"]), "short", locale=ctx["locale"])


@pass_context
def _country_name(ctx: Context, code: str) -> str:
    if not code:
        return ""
    return str(ctx["locale"].territories.get(code.upper(), code.upper()))


def _tidy_text(text: str) -> str:
    """At most one blank line in a row, and no trailing spaces (but the greeting's)."""
    lines = [line.rstrip() for line in text.splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip() + "\n"
