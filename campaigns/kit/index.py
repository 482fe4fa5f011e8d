"""`index.html`: one page to browse the kit, a section per language linking each of its files.

Everything shown is escaped (Jinja autoescape); links to news go through `safe_url`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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

    @property
    def cards(self) -> tuple[IndexEntry, ...]:
        return tuple(f for f in self.files if f.kind.startswith("card_"))


def index_html(sections: Sequence[IndexSection], news: Sequence[DayItem]) -> str:
    return (
        kit_templates()
        .get_template("index.html.j2")
        .render(sections=sections, first=sections[0].t, news=news)
    )


def post_sections(texts: KitTexts, posts: Mapping[str, str]) -> tuple[IndexPost, ...]:
    return tuple(
        IndexPost(texts.labels["post"].format(platform=name), text) for name, text in posts.items()
    )
