"""The announcement email: MJML (with the delivery's per-recipient tokens) and its HTML.

The name, preferences and unsubscribe links are the tokens of
`newsletter.delivery.placeholders`, filled at send time like a bulletin's, so the HTML can be
sent as it is through the delivery queue.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from campaigns.kit.content import KitInput, KitTexts
from newsletter.delivery.placeholders import Part, Slot, token
from newsletter.render import mjml_to_html, safe_url

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "kit"
MAX_ACTIVITIES = 20  # the rest is in the kit's CSV; keeps the email below Gmail's 102 KB clip
MAX_IDEAS = 3


@cache
def kit_templates() -> Environment:
    """The kit's templates (email, index.html): autoescaped, strict, with `safe_url`."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    return env


def announcement_mjml(kit: KitInput, texts: KitTexts) -> str:
    activities = kit.all_activities()
    env = kit_templates().overlay()
    env.filters["day"] = lambda value: format_date(value, "long", locale=texts.language)
    return env.get_template("announcement.mjml.j2").render(
        t=texts,
        greeting=texts.email_greeting.format(name=token(Slot.NAME, Part.HTML)),
        url=safe_url(kit.url),
        activities=activities[:MAX_ACTIVITIES],
        more_activities=max(0, len(activities) - MAX_ACTIVITIES),
        youth=kit.youth[:MAX_IDEAS],
        PREFERENCES=token(Slot.PREFERENCES_URL, Part.HTML),
        UNSUBSCRIBE=token(Slot.UNSUBSCRIBE_URL, Part.HTML),
    )


def announcement_html(mjml: str) -> str:
    """Raises `newsletter.render.RenderError` if MJML rejects the document."""
    return mjml_to_html(mjml)
