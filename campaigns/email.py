"""A step's email in one language: MJML → HTML and a plain-text part, rendered once.

The unsubscribe and preferences links are the delivery placeholders, filled per recipient by
the sender (see newsletter.delivery.placeholders), as for every bulletin.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from campaigns.messages import FOOTER, PREFERENCES, UNSUBSCRIBE, StepText, _, translate
from newsletter.delivery.placeholders import Part, Slot, token
from newsletter.editions.render import mjml_to_html, paragraphs, safe_url

TEMPLATES = Path(__file__).resolve().parent / "templates"
BANNER = _("INTERNATIONAL DAY OF EDUCATING CITIES · 30 NOVEMBER")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    preheader: str
    html: str
    text: str


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_email(content: StepText, lang: str) -> RenderedEmail:
    """The email of `content` for readers of `lang`; RenderError when MJML refuses it."""
    declaration = paragraphs(content.declaration) if content.declaration else []
    link = safe_url(content.link) or None
    preheader = content.paragraphs[0][:140] if content.paragraphs else content.subject
    mjml = (
        _environment()
        .get_template("email.mjml.j2")
        .render(
            language=lang,
            subject=content.subject,
            preheader=preheader,
            banner=translate(BANNER, lang),
            paragraphs=content.paragraphs,
            declaration=declaration,
            link=link,
            link_label=content.link_label or "",
            footer=translate(FOOTER, lang),
            unsubscribe=translate(UNSUBSCRIBE, lang),
            preferences=translate(PREFERENCES, lang),
            UNSUBSCRIBE=token(Slot.UNSUBSCRIBE_URL, Part.HTML),
            PREFERENCES=token(Slot.PREFERENCES_URL, Part.HTML),
        )
    )
    lines = [content.subject, ""]
    for paragraph in content.paragraphs:
        lines += [paragraph, ""]
    for paragraph in declaration:
        lines += [f"  {paragraph}", ""]
    if link:
        lines += [f"{content.link_label}: {link}", ""]
    lines += [
        "--",
        translate(FOOTER, lang),
        f"{translate(UNSUBSCRIBE, lang)}: {token(Slot.UNSUBSCRIBE_URL, Part.TEXT)}",
        f"{translate(PREFERENCES, lang)}: {token(Slot.PREFERENCES_URL, Part.TEXT)}",
    ]
    return RenderedEmail(content.subject, preheader, mjml_to_html(mjml), "\n".join(lines) + "\n")
