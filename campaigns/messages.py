"""What each step says, by email and in chat, in the reader's language (pure).

Messages live in the gettext domain `campaign` (campaigns/locales/<lang>/LC_MESSAGES/
campaign.po); a language we have no catalog for reads English.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from i18n.catalogs import Catalog
from i18n.formatting import long_date, number
from i18n.languages import base_language

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "campaign"
catalog = Catalog(LOCALES, DOMAIN)


def _(message: str) -> str:
    """Marks a message for extraction; `translate` reads it in a language."""
    return message


def base(lang: str | None) -> str:
    return base_language(lang or "en")


def translate(message: str, lang: str, **values: object) -> str:
    return catalog.text(message, lang, **values)


@dataclass(frozen=True)
class StepText:
    subject: str
    paragraphs: tuple[str, ...]
    link: str | None = None  # one call to action (the kit), shown as a button
    link_label: str | None = None
    declaration: str | None = None  # the Day's declaration, quoted as it is

    def chat(self) -> str:
        """The chat message in Telegram HTML (every text escaped)."""
        parts = [f"<b>{escape(self.subject)}</b>", *(escape(p) for p in self.paragraphs)]
        if self.declaration:
            parts.append(f"<i>{escape(self.declaration.strip()[:3000])}</i>")
        if self.link:
            parts.append(escape(self.link))
        return "\n\n".join(parts)


SUBJECTS = {
    "d-45": _("International Day of Educating Cities %(year)s: tell us your activities"),
    "d-30": _("Let us write the declaration of the International Day %(year)s together"),
    "d-10": _("Your kit for 30 November is ready"),
    "d-1": _("Tomorrow: International Day of Educating Cities"),
    "d": _("Happy International Day of Educating Cities!"),
    "d+7": _("Thank you! The International Day %(year)s in figures"),
}
BODIES = {
    "d-45": _(
        "On 30 November, member cities celebrate the International Day of Educating Cities. "
        "Tell us what your city plans: its representatives can declare their activities in our "
        "Telegram bot until %(closes)s."
    ),
    "d-30": _(
        "The declaration of the International Day is written with the cities. Representatives "
        "can choose its priorities in our Telegram bot until %(closes)s."
    ),
    "d-10": _(
        "The campaign kit is published, in your language: posters, social media posts and the "
        "declaration, ready to use."
    ),
    "d-1": _(
        "Tomorrow, 30 November, cities around the world celebrate the International Day of "
        "Educating Cities. Thank you for taking part!"
    ),
    "d": _(
        "Today we celebrate the International Day of Educating Cities. This year's declaration:"
    ),
    "d+7": _(
        "Thank you for celebrating the International Day with us: %(cities)s cities took part, "
        "with %(activities)s activities in %(countries)s countries."
    ),
}
THEME = _("This year's theme: %(theme)s.")
KIT_LINK = _("Get the kit")
DERIVED_DECLARATION = _(
    "Educating cities commit together to these priorities, chosen by %(cities)s member cities: "
    "%(priorities)s."
)
DERIVED_EMPTY = _("Educating cities renew their commitment to the right to an educating city.")
UNSUBSCRIBE = _("Unsubscribe")
PREFERENCES = _("Preferences")
FOOTER = _("You receive this message because you subscribed to the news of the IAEC.")


def step_text(
    key: str,
    lang: str,
    *,
    year: int,
    theme: str | None = None,
    closes_at: object = None,
    kit_url: str | None = None,
    declaration: str | None = None,
    figures: dict[str, int] | None = None,
) -> StepText:
    """The subject and paragraphs of step `key` for a reader of `lang`."""
    values: dict[str, object] = {"year": year}
    if closes_at is not None:
        values["closes"] = long_date(closes_at, lang, ours_only=True)  # type: ignore[arg-type]
    for name, figure in (figures or {}).items():
        values[name] = number(figure, lang, ours_only=True)
    body = translate(BODIES[key], lang, **_needed(BODIES[key], values))
    paragraphs = [body]
    if theme and key in ("d-45", "d-10", "d"):
        paragraphs.insert(0, translate(THEME, lang, theme=theme))
    link = kit_url if key in ("d-10", "d-1") else None
    return StepText(
        subject=translate(SUBJECTS[key], lang, **_needed(SUBJECTS[key], values)),
        paragraphs=tuple(paragraphs),
        link=link,
        link_label=translate(KIT_LINK, lang) if link else None,
        declaration=declaration if key == "d" else None,
    )


def _needed(message: str, values: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in values.items() if f"%({k})s" in message}
