"""The announcement email: MJML and its HTML, a template for cities to adapt and send from
their own lists. So it greets no one by name and links to none of our subscription pages (the
campaign's own emails are `campaigns.email`, with the delivery's per-recipient links).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.dates import format_date
from jinja2 import Environment

from campaigns.kit.content import KitInput, KitTexts
from i18n.templates import environment
from newsletter.editions.render import email_as_page, mjml_to_html, safe_url

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "kit"
MAX_ACTIVITIES = 20  # the rest is in the kit's CSV; keeps the email below Gmail's 102 KB clip
MAX_IDEAS = 3


@cache
def kit_templates() -> Environment:
    """The kit's templates (email, index.html): autoescaped, strict, with `safe_url`."""
    env = environment(TEMPLATE_DIR, strict=True)
    env.filters["safe_url"] = safe_url
    return env


def announcement_mjml(kit: KitInput, texts: KitTexts) -> str:
    activities = kit.all_activities()
    env = kit_templates().overlay()
    env.filters["day"] = lambda value: format_date(value, "long", locale=texts.language)
    return env.get_template("announcement.mjml.j2").render(
        t=texts,
        url=safe_url(kit.url),
        activities=activities[:MAX_ACTIVITIES],
        more_activities=max(0, len(activities) - MAX_ACTIVITIES),
        youth=kit.youth[:MAX_IDEAS],
    )


def announcement_html(mjml: str) -> str:
    """The email as a page too (the kit links it): its content in a `<main>` landmark, which
    mail clients ignore. Raises `newsletter.editions.render.RenderError` if MJML rejects the
    document."""
    return email_as_page(mjml_to_html(mjml))
