"""Feed sources from OPML (CONTRACT.md): each `<outline>` with `xmlUrl` is a source.

A relative `xmlUrl` names a file beside the OPML file (the demo feeds use this).

Optional attributes: `text`, `language`, `category` (comma-separated network slugs), `city`.
Parsing refuses entity tricks (defusedxml) and reports problems per outline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from newsletter.errors import NewsletterError


@dataclass(frozen=True)
class OpmlSource:
    url: str
    title: str | None
    language: str | None
    networks: tuple[str, ...]
    city: str | None


@dataclass
class OpmlFile:
    sources: list[OpmlSource] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class OpmlError(NewsletterError, ValueError):
    """The file is not OPML at all (one line saying why)."""


def parse_opml(data: bytes, *, local_files: bool = False) -> OpmlFile:
    """The sources of an OPML file, with one error line per outline refused. Sources are
    http(s) URLs; `local_files` (our own demo data only) also takes file:// URLs and paths:
    a staff file must not make us read the server's disk."""
    try:
        root: Element = ElementTree.fromstring(data)
    except DefusedXmlException as exc:
        raise OpmlError(f"refused unsafe XML ({type(exc).__name__})") from None
    except ElementTree.ParseError as exc:
        raise OpmlError(f"not well-formed XML: {exc}") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"the root element is <{root.tag}>, expected <opml>")
    result = OpmlFile()
    seen: set[str] = set()
    for position, outline in enumerate(root.iter("outline"), start=1):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        label = f"outline {position} ({outline.get('text') or url})"
        if not url.lower().startswith(("http://", "https://")) and not (
            local_files and ("://" not in url or url.startswith("file://"))
        ):
            result.errors.append(f"{label}: xmlUrl {url!r} is not an http(s) URL")
            continue
        if url in seen:
            result.errors.append(f"{label}: {url} appears twice; kept the first")
            continue
        seen.add(url)
        category = outline.get("category") or ""
        networks = tuple(dict.fromkeys(s.strip() for s in category.split(",") if s.strip()))
        result.sources.append(
            OpmlSource(
                url=url,
                title=(outline.get("text") or outline.get("title") or "").strip() or None,
                language=(outline.get("language") or "").strip() or None,
                networks=networks,
                city=(outline.get("city") or "").strip() or None,
            )
        )
    return result
