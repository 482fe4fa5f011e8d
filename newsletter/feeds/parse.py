"""Feed bytes → normalized, sanitized entries (pure: no network, no disk, no database).

feedparser only ever sees the bytes, wrapped in a stream: given a `bytes` or `str` it would
treat the value as a file name or a URL. Its own sanitizer and relative-URI resolver are turned
off: nh3 (newsletter.feeds.sanitize) does both, stricter and several times faster.
"""

from __future__ import annotations

import hashlib
import io
import re
import xml.sax
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from newsletter.feeds.sanitize import (
    first_image,
    html_to_text,
    plain_text,
    sanitize_html,
    web_url,
    without_controls,
)

FUTURE_TOLERANCE = timedelta(days=2)
MAX_GUID_LENGTH = 500
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
_LOOKS_LIKE_HTML_PAGE = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
# the encoding of an XML declaration (feedparser reads it with this pattern), and what the XML
# grammar allows it to be (EncName); anything else is dropped so the bytes decide
_DECLARED_ENCODING = re.compile(rb"^(<\?[^>]*?)\s*encoding\s*=\s*(['\"])(.*?)\2", re.S)
_ENCODING_NAME = re.compile(rb"[A-Za-z][A-Za-z0-9._-]{0,39}")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One normalized entry; `guid` identifies it within its source (the upsert key).

    Every `*_html` field is sanitized, every other text field is plain text (escape it when
    rendering), every URL is absolute http(s). `language` starts as the declared language
    (the entry's xml:lang, else the feed's); language detection may replace it.
    """

    guid: str
    url: str | None
    title: str
    summary_html: str
    summary_text: str
    content_html: str | None
    content_text: str | None
    published_at: datetime
    updated_at: datetime | None
    author: str | None
    categories: list[str]
    image: str | None
    declared_language: str | None
    language: str | None
    content_hash: str
    # when the entry announces an event (RSS event module `ev:startdate`), its start
    event_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed document: feed metadata, its entries, and `error` (None or one line)."""

    url: str
    title: str
    link: str | None
    language: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    error: str | None = None
    version: str = ""


def parse_feed(data: bytes, url: str, *, fetched_at: datetime | None = None) -> ParsedFeed:
    """Parse feed bytes fetched from `url` (the base for relative links).

    Never raises for bad documents: malformed XML keeps the entries feedparser recovered and
    `error` says what was wrong; an empty document, an HTML page or a feed without entries
    give no entries and a reason. `fetched_at` (default now) stands in for missing or
    far-future publication dates.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse_feed takes the fetched bytes, not a URL or a file name")
    now = (fetched_at or datetime.now(UTC)).astimezone(UTC)
    data = bytes(data)
    if not data.strip():
        return ParsedFeed(url=url, title="", link=None, language=None, error="empty document")
    data, dropped = _without_bad_encoding(data)
    try:
        raw = feedparser.parse(
            io.BytesIO(data),
            response_headers={"content-location": url, "content-type": "application/xml"},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # a feedparser bug on odd input: the contract is to never raise
        reason = f"the feed could not be read ({type(exc).__name__}: {exc})"
        return ParsedFeed(url=url, title="", link=None, language=None, error=reason[:200])
    if dropped:
        raw["bozo"], raw["bozo_exception"] = True, ValueError(dropped)
    meta = raw.feed
    language = _clean_language(meta.get("language"))
    entries = [_entry(item, url, language, now) for item in raw.entries]
    return ParsedFeed(
        url=url,
        title=html_to_text(meta.get("title", "")),
        link=web_url(meta.get("link"), url),
        language=language,
        entries=entries,
        error=_problem(raw, data, len(entries)),
        version=raw.get("version") or "",
    )


def _without_bad_encoding(data: bytes) -> tuple[bytes, str | None]:
    """`data` without a declared encoding that is no encoding name (feedparser would fail to
    decode it), and the reason when one was dropped."""
    found = _DECLARED_ENCODING.match(data)
    if found is None or _ENCODING_NAME.fullmatch(found.group(3)):
        return data, None
    cleaned = found.group(1) + data[found.end() :]
    return cleaned, "the declared encoding is not an encoding name"


def _problem(raw: Mapping[str, Any], data: bytes, count: int) -> str | None:
    version = raw.get("version") or ""
    if not version and count == 0:
        if _LOOKS_LIKE_HTML_PAGE.search(data[:4096]):
            return "the address returned an HTML page, not a feed"
        return "not an RSS or Atom feed"
    if raw.get("bozo"):
        reason = _bozo_detail(raw).removeprefix(": ") or "malformed feed"
        return f"{reason} ({count} entries recovered)"
    if count == 0:
        return "the feed has no entries"
    return None


def _bozo_detail(raw: Mapping[str, Any]) -> str:
    exception = raw.get("bozo_exception")
    if not raw.get("bozo") or exception is None:
        return ""
    if isinstance(exception, xml.sax.SAXParseException):
        text = f"malformed XML at line {exception.getLineNumber()}: {exception.getMessage()}"
    else:
        text = " ".join(str(exception).split())
    if isinstance(exception, feedparser.CharacterEncodingOverride):
        text = "declared encoding was wrong; " + text
    return ": " + (text[:200] or type(exception).__name__)


def _entry(
    item: Mapping[str, Any], feed_url: str, feed_language: str | None, now: datetime
) -> FeedEntry:
    title_detail = item.get("title_detail") or {}
    base = title_detail.get("base") or feed_url
    title = _text(title_detail) if title_detail else ""
    url = _canonical_url(item.get("link"), base)

    summary_detail = item.get("summary_detail") or {}
    contents = item.get("content") or []
    content_detail = contents[0] if contents else {}
    content_html = _html(content_detail, feed_url) if content_detail else None
    summary_html = _html(summary_detail, feed_url) if summary_detail else (content_html or "")
    content_text = html_to_text(content_html) if content_html is not None else None
    summary_text = html_to_text(summary_html)

    declared = _clean_language(
        content_detail.get("language")
        or summary_detail.get("language")
        or title_detail.get("language")
    )
    text = content_text or summary_text
    content_hash = _digest(title, url or "", text)
    guid = _guid(item.get("id"), url, content_hash)
    published = _date(item.get("published_parsed") or item.get("updated_parsed"), now)
    updated = _date(item.get("updated_parsed"), now) if item.get("updated_parsed") else None
    return FeedEntry(
        guid=guid,
        url=url,
        title=title,
        summary_html=summary_html,
        summary_text=summary_text,
        content_html=content_html,
        content_text=content_text,
        published_at=published or now,
        updated_at=updated,
        event_at=_event_start(item.get("ev_startdate")),
        author=plain_text(item.get("author") or "") or None,
        categories=_categories(item.get("tags") or []),
        image=_image(item, base, content_html or summary_html),
        declared_language=declared,
        language=declared or feed_language,
        content_hash=content_hash,
    )


def _is_html(detail: Mapping[str, Any]) -> bool:
    return (detail.get("type") or "text/html") in _HTML_TYPES


def _text(detail: Mapping[str, Any]) -> str:
    # Even text/plain titles go through the HTML path: RSS leaves the type to guesswork, and
    # markup in a title is far more often double-encoded HTML than a literal tag.
    return html_to_text(detail.get("value") or "")


def _html(detail: Mapping[str, Any], feed_url: str) -> str:
    value = detail.get("value") or ""
    if not _is_html(detail):
        value = _escape_text(value)
    return sanitize_html(value, detail.get("base") or feed_url)


def _escape_text(value: str) -> str:
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("\n\n", "<br><br>")


def _canonical_url(link: str | None, base: str) -> str | None:
    url = web_url(link, base)
    return url.split("#", 1)[0] if url else None


def _guid(raw_id: Any, url: str | None, content_hash: str) -> str:
    guid = " ".join(without_controls(str(raw_id or "")).split())
    if not guid:
        return url or "sha256:" + content_hash
    if len(guid) > MAX_GUID_LENGTH:
        return "sha256:" + hashlib.sha256(guid.encode()).hexdigest()
    return guid


def _digest(title: str, url: str, text: str) -> str:
    return hashlib.sha256("\x1f".join((title, url, text)).encode()).hexdigest()


def _date(parsed: Any, now: datetime) -> datetime | None:
    if not parsed:
        return None
    try:
        year, month, day, hour, minute, second = parsed[:6]
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError):
        return None
    return now if moment > now + FUTURE_TOLERANCE else moment


def _categories(tags: list[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for tag in tags:
        term = plain_text(tag.get("term") or tag.get("label") or "")
        if term:
            seen.setdefault(term, None)
    return list(seen)


def _image(item: Mapping[str, Any], base: str, safe_html: str) -> str | None:
    for link in item.get("links") or []:
        if link.get("rel") == "enclosure" and _is_image(link.get("type"), link.get("href")):
            image = web_url(link.get("href"), base)
            if image:
                return image
    for media in item.get("media_content") or []:
        if media.get("medium") == "image" or _is_image(media.get("type"), media.get("url")):
            image = web_url(media.get("url"), base)
            if image:
                return image
    for thumbnail in item.get("media_thumbnail") or []:
        image = web_url(thumbnail.get("url"), base)
        if image:
            return image
    return first_image(safe_html)


def _is_image(mime: str | None, href: str | None) -> bool:
    if mime:
        return mime.lower().startswith("image/")
    if not href:
        return False
    return href.lower().split("?", 1)[0].endswith(_IMAGE_SUFFIXES)


def _clean_language(value: Any) -> str | None:
    text = " ".join(without_controls(str(value or "")).split())
    return text[:35] or None


def _event_start(value: Any) -> datetime | None:
    """`ev:startdate` (W3C-DTF) as aware UTC; a date without a zone is taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
