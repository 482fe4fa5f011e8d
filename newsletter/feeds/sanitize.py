"""Allow-list sanitizing of feed HTML with nh3, and HTML → plain text.

Everything a feed gives us is hostile until it went through here. The allow-list keeps text
formatting, links and images; it drops scripts, styles, frames, forms, SVG/MathML, event
handlers, inline styles and every URL whose scheme is not http(s) (or mailto for links).
Relative URLs are resolved against the base the feed declared (xml:base or the feed URL);
a URL that does not resolve to http(s) is dropped.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import nh3

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "acronym", "b", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"lang"},
    "a": {"href", "title", "target", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "abbr": {"title"},
    "acronym": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "time": {"datetime"},
}
# Removed together with everything inside them (the rest keep their text when stripped).
DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
        "math", "noscript", "template", "textarea", "select", "button", "head", "title",
    }
)  # fmt: skip
LINK_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
WEB_SCHEMES: frozenset[str] = frozenset({"http", "https"})

_URL_SAFE = "/%:@!$&'()*+,;=~[]"
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
_SIZE = re.compile(r"^\d{1,4}%?$")
# Block boundaries become spaces in plain text, so "<p>a</p><p>b</p>" reads "a b", not "ab".
_BLOCK_TAG = re.compile(
    r"<(?=/?(?:p|div|br|li|ul|ol|dl|dt|dd|h[1-6]|tr|td|th|table|blockquote|pre|hr|figure|"
    r"figcaption|caption)\b)",
    re.IGNORECASE,
)
# What still looks like a tag after entities were decoded (double-encoded markup).
# controls but whitespace: invalid in XML 1.0, and PostgreSQL refuses NUL in text
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG_LIKE = re.compile(r"<[a-zA-Z/!?][^<>]*(?:>|$)")
_FIRST_IMG_SRC = re.compile(r'<img\b[^>]*?\ssrc="([^"]+)"')


def web_url(value: str | None, base: str | None = None) -> str | None:
    """`value` resolved against `base` if it is an http(s) URL, else None."""
    if not value:
        return None
    value = value.strip()
    try:
        absolute = urljoin(base, value) if base else value
        parts = urlsplit(absolute)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in WEB_SCHEMES or not parts.netloc:
        return None
    # Canonical form: lower-case scheme and host, spaces and other unsafe bytes %-encoded.
    return urlunsplit(
        (
            scheme,
            parts.netloc.lower(),
            quote(parts.path, safe=_URL_SAFE),
            quote(parts.query, safe=_URL_SAFE + "?"),
            quote(parts.fragment, safe=_URL_SAFE + "?#"),
        )
    )


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        scheme = _SCHEME.match(value)
        if scheme and scheme.group(1).lower() not in WEB_SCHEMES:
            return None
    elif attribute in ("width", "height") and not _SIZE.match(value.strip()):
        return None
    return value


@lru_cache(maxsize=64)
def _html_cleaner(base: str) -> nh3.Cleaner:
    def resolve(relative: str) -> str | None:
        resolved = web_url(relative, base)
        if resolved is None and relative.startswith("#"):
            return relative
        return resolved

    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_attribute,
        url_schemes=set(LINK_SCHEMES),
        url_relative=resolve,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_TEXT_CLEANER = nh3.Cleaner(tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT))


def sanitize_html(fragment: str, base: str = "") -> str:
    """Safe HTML for `fragment`; relative URLs resolved against `base` (dropped without one)."""
    if not fragment:
        return ""
    return _html_cleaner(base).clean(fragment).strip()


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags removed, entities decoded, whitespace collapsed.

    Markup that was entity-encoded twice (common in RSS titles) is removed too, so the text
    never contains something a careless renderer would take for a tag.
    """
    if not fragment:
        return ""
    if "<" in fragment or "&" in fragment:
        fragment = html.unescape(_TEXT_CLEANER.clean(_BLOCK_TAG.sub(" <", fragment)))
    return plain_text(fragment)


def plain_text(value: str) -> str:
    """`value` (already text) with anything tag-like and control characters removed and
    whitespace collapsed."""
    value = without_controls(value)
    if "<" in value:
        for _ in range(3):
            stripped = _TAG_LIKE.sub(" ", value)
            if stripped == value:
                break
            value = stripped
    return " ".join(value.split())


def without_controls(value: str) -> str:
    """`value` without control characters other than whitespace (NUL, escape…)."""
    return _CONTROL.sub("", value)


def first_image(safe_html: str) -> str | None:
    """The first image URL of HTML that already went through `sanitize_html`."""
    match = _FIRST_IMG_SRC.search(safe_html)
    return web_url(html.unescape(match.group(1))) if match else None
