"""`index.<lang>.html`: the kit's page in one language: its files (a short table of contents),
the cards and posts to preview, one download (the language's zip) and links to the other
languages' pages. Everything shown is escaped (Jinja autoescape); news links go through
`safe_url`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from babel.units import format_unit

from campaigns.kit.content import DayItem, KitTexts
from campaigns.kit.email import kit_templates


@dataclass(frozen=True, slots=True)
class IndexEntry:
    path: str  # relative to the kit's folder, with "/"
    label: str
    size: int
    kind: str


@dataclass(frozen=True, slots=True)
class IndexPost:
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class IndexSection:
    t: KitTexts
    files: tuple[IndexEntry, ...]
    posts: tuple[IndexPost, ...]
    download: IndexEntry  # the language's zip

    @property
    def cards(self) -> tuple[IndexEntry, ...]:
        return tuple(f for f in self.files if f.kind.startswith("card_"))

    @property
    def download_label(self) -> str:
        kilobytes = max(1, round(self.download.size / 1000))
        size = format_unit(kilobytes, "digital-kilobyte", length="short", locale=self.t.language)
        return self.t.download.format(size=size)


def index_html(sections: Sequence[IndexSection], news: Sequence[DayItem], language: str) -> str:
    """The kit's page in `language` (one of the sections' languages)."""
    [current] = [s for s in sections if s.t.language == language]
    return (
        kit_templates()
        .get_template("index.html.j2")
        .render(sections=sections, s=current, t=current.t, news=news)
    )


def post_sections(texts: KitTexts, posts: Mapping[str, str]) -> tuple[IndexPost, ...]:
    return tuple(
        IndexPost(texts.labels["post"].format(platform=name), text) for name, text in posts.items()
    )
