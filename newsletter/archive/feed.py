"""The Atom feed (RFC 4287) of a series' published editions, built with xml.etree (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    url: str
    title: str
    summary: str
    published: datetime
    updated: datetime
    language: str


@dataclass(frozen=True, slots=True)
class FeedHeader:
    url: str  # the feed's own URL (also its id)
    page_url: str  # the series' archive page
    title: str
    author: str
    language: str | None  # None: entries in several languages
    updated: datetime  # used when there is no entry


def atom_feed(header: FeedHeader, entries: Sequence[FeedEntry]) -> bytes:
    """The feed document, UTF-8 with an XML declaration; entries in the order given."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(_tag("feed"))
    if header.language:
        feed.set(XML_LANG, header.language)
    _text(feed, "id", header.url)
    _text(feed, "title", header.title)
    _text(feed, "updated", _stamp(max((e.updated for e in entries), default=header.updated)))
    _link(feed, header.url, "self", "application/atom+xml")
    _link(feed, header.page_url, "alternate", "text/html")
    author = ET.SubElement(feed, _tag("author"))
    _text(author, "name", header.author)
    for entry in entries:
        node = ET.SubElement(feed, _tag("entry"))
        node.set(XML_LANG, entry.language)
        _text(node, "id", entry.url)
        _text(node, "title", entry.title)
        _text(node, "published", _stamp(entry.published))
        _text(node, "updated", _stamp(entry.updated))
        _link(node, entry.url, "alternate", "text/html")
        if entry.summary:
            _text(node, "summary", entry.summary)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def _tag(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _text(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, _tag(name)).text = value


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    ET.SubElement(parent, _tag("link"), {"href": href, "rel": rel, "type": kind})


def _stamp(moment: datetime) -> str:
    # fractions of a second when there are: editions approved in the same second stay apart
    precision = "microseconds" if moment.microsecond else "seconds"
    return moment.astimezone(UTC).isoformat(timespec=precision).replace("+00:00", "Z")
