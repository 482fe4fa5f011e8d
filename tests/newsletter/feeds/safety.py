"""A check, independent of nh3, that a parsed feed carries nothing a browser would run."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from newsletter.feeds import FeedEntry, ParsedFeed

FORBIDDEN_TAGS = frozenset(
    {"script", "style", "iframe", "object", "embed", "form", "svg", "math", "frame", "applet"}
)
_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.I)
_TAG_LIKE = re.compile(r"<[a-zA-Z/!?]")


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name == "style":
                self.problems.append(f"{tag} style=")
            if value and _BAD_SCHEME.match(value.replace("\t", "").replace("\n", "")):
                self.problems.append(f"{tag} {name}={value[:40]}")
            if tag == "img" and name == "src" and not (value or "").startswith("http"):
                self.problems.append(f"img src={value}")
            if tag == "a" and name == "href" and value and value.startswith("//"):
                self.problems.append(f"a href={value}")


def html_problems(fragment: str | None) -> list[str]:
    if not fragment:
        return []
    audit = _Audit()
    audit.feed(fragment)
    audit.close()
    lowered = fragment.lower()
    if "<script" in lowered or "javascript:" in lowered:
        audit.problems.append("script or javascript: in the markup")
    return audit.problems


def text_problems(text: str | None) -> list[str]:
    return ["tag-like text"] if text and _TAG_LIKE.search(text) else []


def url_problems(url: str | None) -> list[str]:
    if url is None or re.match(r"^https?://[^\s]+$", url):
        return []
    return [f"unsafe URL {url[:60]}"]


def entry_problems(entry: FeedEntry) -> list[str]:
    problems = html_problems(entry.summary_html) + html_problems(entry.content_html)
    for text in (entry.title, entry.summary_text, entry.content_text, entry.author):
        problems += text_problems(text)
    for category in entry.categories:
        problems += text_problems(category)
    problems += url_problems(entry.url) + url_problems(entry.image)
    return problems


def feed_problems(feed: ParsedFeed) -> list[str]:
    problems = text_problems(feed.title) + url_problems(feed.link) + text_problems(feed.error)
    for entry in feed.entries:
        problems += entry_problems(entry)
    return problems
