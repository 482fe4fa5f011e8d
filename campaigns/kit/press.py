"""The press release: Markdown, and the same rendered to a standalone HTML page.

Values that come from people (activity titles, ideas, the declaration) are escaped for
Markdown, and the Markdown renderer refuses raw HTML, so nothing they write becomes markup.
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

from campaigns.kit.content import KitInput, KitTexts

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False})


def md_escape(text: str) -> str:
    """`text` as literal Markdown: special characters backslash-escaped, on one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def md_link(label: str, url: str) -> str:
    if not url.startswith(("http://", "https://")):
        return md_escape(label)
    return f"[{md_escape(label)}](<{url.replace('<', '%3C').replace('>', '%3E')}>)"


def activity_lines(kit: KitInput) -> list[str]:
    lines = []
    for activity in kit.all_activities():
        when = activity.date.isoformat() if activity.date else activity.date_text
        where = ", ".join(p for p in (activity.city, activity.country) if p)
        details = " · ".join(md_escape(p) for p in (when, activity.place, activity.audience) if p)
        title = md_link(activity.title, activity.link)
        lines.append(f"- **{md_escape(where)}**: {title}" + (f" ({details})" if details else ""))
    return lines


def youth_lines(kit: KitInput, texts: KitTexts) -> list[str]:
    lines = []
    for idea in kit.youth:
        author = idea.author or texts.anonymous
        where = ", ".join(p for p in (idea.city, idea.country) if p)
        signature = f"{author} ({where})" if where else author
        lines.append(f"> {md_escape(idea.text)}\n>\n> — {md_escape(signature)}")
    return lines


def press_markdown(kit: KitInput, texts: KitTexts) -> str:
    parts = [
        f"*{md_escape(texts.press_kicker)}*",
        f"# {md_escape(texts.press_headline)}",
        md_escape(texts.tagline),
    ]
    if texts.theme_sentence:
        parts.append(md_escape(texts.theme_sentence))
    parts.append(md_escape(texts.charter_sentence))
    if texts.activities_sentence:
        parts.append(md_escape(texts.activities_sentence))
    parts.append(f"## {md_escape(texts.activities_heading)}")
    parts.append("\n".join(activity_lines(kit)) or md_escape(texts.no_activities))
    if kit.youth:
        parts.append(f"## {md_escape(texts.youth_heading)}")
        parts.extend(youth_lines(kit, texts))
    parts.append(f"## {md_escape(texts.declaration_heading)}")
    parts.extend(md_escape(p) for p in re.split(r"\n\s*\n", texts.declaration_text) if p.strip())
    parts.append(f"## {md_escape(texts.about_heading)}")
    parts.append(md_escape(texts.about_text))
    if kit.url:
        parts.append(f"{md_escape(texts.more_information)} {md_link(kit.url, kit.url)}")
    return "\n\n".join(parts) + "\n"


def markdown_page(markdown: str, *, title: str, language: str) -> str:
    """A standalone HTML page of `markdown` (raw HTML in it is shown, never interpreted)."""
    body = _renderer.render(markdown)
    return (
        f'<!doctype html>\n<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{font-family:Helvetica,Arial,sans-serif;max-width:42rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5;color:#1f2933}a{color:#00607a}"
        "blockquote{border-left:3px solid #00607a;margin-left:0;padding-left:1rem}</style>\n"
        f"</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def declaration_markdown(texts: KitTexts) -> str:
    paragraphs = [md_escape(p) for p in re.split(r"\n\s*\n", texts.declaration_text) if p.strip()]
    return "\n\n".join([f"# {md_escape(texts.declaration_heading)}", *paragraphs]) + "\n"


def youth_markdown(kit: KitInput, texts: KitTexts) -> str:
    ideas = youth_lines(kit, texts) or [md_escape(texts.no_youth)]
    return "\n\n".join([f"# {md_escape(texts.youth_heading)}", *ideas]) + "\n"
