"""Build the Day kit: every file for every language, an `index.html`, and optionally a `.zip`.

Layout of the output folder (one sub-folder per language):

    index.html                             the first language's index.<lang>.html
    index.<lang>.html                      the kit's page in each language
    <lang>.zip                             everything of one language
    <lang>/email.mjml, email.html          announcement email (a template cities adapt)
    <lang>/press-release.md, .html         press release
    <lang>/posts/<platform>.txt            x, bluesky, instagram, facebook, linkedin
    <lang>/card-1080x1080.png, card-1200x630.png
    <lang>/calendar.ics, activities.csv
    <lang>/declaration.md, youth-ideas.md
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from campaigns.kit.calendar import kit_calendar
from campaigns.kit.cards import SQUARE, WIDE, card_png
from campaigns.kit.content import Activity, KitInput, KitTexts, kit_texts
from campaigns.kit.email import announcement_html, announcement_mjml
from campaigns.kit.index import IndexEntry, IndexSection, index_html, post_sections
from campaigns.kit.posts import RULES, Platform, kit_posts
from campaigns.kit.press import declaration_markdown, markdown_page, press_markdown, youth_markdown
from engagement.spreadsheet import csv_text

CSV_HEADER = ("city", "country", "title", "date", "place", "audience", "link", "networks", "source")

# kind → path inside a language's folder
LANGUAGE_FILES: dict[str, str] = {
    "email_mjml": "email.mjml",
    "email_html": "email.html",
    "press_md": "press-release.md",
    "press_html": "press-release.html",
    **{f"post_{p.value}": f"posts/{p.value}.txt" for p in Platform},
    "card_square": f"card-{SQUARE[0]}x{SQUARE[1]}.png",
    "card_wide": f"card-{WIDE[0]}x{WIDE[1]}.png",
    "calendar": "calendar.ics",
    "activities_csv": "activities.csv",
    "declaration": "declaration.md",
    "youth": "youth-ideas.md",
}
INDEX = "index.html"


def language_index(language: str) -> str:
    """The kit's page in `language`, beside `index.html`."""
    return f"index.{language}.html"


@dataclass(frozen=True, slots=True)
class KitFile:
    path: str  # relative to the kit's folder, with "/"
    size: int  # bytes
    language: str | None  # None for the index
    kind: str


@dataclass(frozen=True, slots=True)
class KitManifest:
    out_dir: Path
    files: tuple[KitFile, ...]
    zip_path: Path | None = None
    youth_ids: tuple[
        int, ...
    ] = ()  # ideas the kit publishes (see newsletter.editions.youth.mark_published)

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.files)


def build_kit(inputs: KitInput, out_dir: Path, *, zip_path: Path | None = None) -> KitManifest:
    """Write the kit of `inputs` into `out_dir` (created; files of a previous kit overwritten).

    Returns the files written with their sizes. Raises `campaigns.kit.KitError` on a missing
    catalog, `newsletter.editions.render.RenderError` if MJML rejects the email, `OSError` on
    disk errors.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[KitFile] = []
    sections: list[IndexSection] = []
    for language in inputs.languages:
        texts = kit_texts(inputs, language)
        contents = _language_files(inputs, texts)
        written = []
        for kind, name in LANGUAGE_FILES.items():
            path = f"{language}/{name}"
            data = contents[kind]
            target = out_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            files.append(KitFile(path, len(data), language, kind))
            written.append(IndexEntry(path, _label(texts, kind), len(data), kind))
        bundle = f"{language}.zip"
        write_zip(out_dir, [e.path for e in written], out_dir / bundle)
        size = (out_dir / bundle).stat().st_size
        files.append(KitFile(bundle, size, language, "language_zip"))
        download = IndexEntry(bundle, bundle, size, "language_zip")
        posts = {RULES[p].name: contents[f"post_{p.value}"].decode() for p in Platform}
        sections.append(IndexSection(texts, tuple(written), post_sections(texts, posts), download))
    for language in inputs.languages:
        index = index_html(sections, inputs.day_items, language).encode()
        first = language == inputs.languages[0]
        for name in (language_index(language), INDEX) if first else (language_index(language),):
            (out_dir / name).write_bytes(index)
            files.append(KitFile(name, len(index), None, "index"))
    if zip_path is not None:
        write_zip(out_dir, [f.path for f in files if f.kind != "language_zip"], zip_path)
    return KitManifest(out_dir, tuple(files), zip_path, tuple(i.id for i in inputs.youth))


def _language_files(kit: KitInput, texts: KitTexts) -> dict[str, bytes]:
    mjml = announcement_mjml(kit, texts)
    press = press_markdown(kit, texts)
    square, _ = card_png(texts, SQUARE)
    wide, _ = card_png(texts, WIDE)
    contents = {
        "email_mjml": mjml.encode(),
        "email_html": announcement_html(mjml).encode(),
        "press_md": press.encode(),
        "press_html": markdown_page(
            press, title=texts.press_headline, language=texts.language
        ).encode(),
        "card_square": square,
        "card_wide": wide,
        "calendar": kit_calendar(kit, texts),
        "activities_csv": activities_csv(kit.all_activities()).encode(),
        "declaration": declaration_markdown(texts).encode(),
        "youth": youth_markdown(kit, texts).encode(),
    }
    for platform, text in kit_posts(texts, kit.url).items():
        contents[f"post_{platform.value}"] = (text + "\n").encode()
    return contents


def _label(texts: KitTexts, kind: str) -> str:
    if kind.startswith("post_"):
        return texts.labels["post"].format(platform=RULES[Platform(kind[5:])].name)
    return texts.labels[kind]


def activities_csv(activities: tuple[Activity, ...]) -> str:
    """One row per activity, every cell quoted and defused (engagement.spreadsheet)."""
    rows: list[tuple[str, ...]] = [tuple(CSV_HEADER)]
    for a in activities:
        rows.append(
            (
                a.city,
                a.country,
                a.title,
                a.date.isoformat() if a.date else a.date_text,
                a.place,
                a.audience,
                a.link,
                ";".join(a.networks),
                a.source,
            )
        )
    return csv_text(rows)


def write_zip(out_dir: Path, paths: list[str], zip_path: Path) -> None:
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(out_dir / path, arcname=path)
