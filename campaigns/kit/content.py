"""What a Day kit is made of, as plain values, and its texts in each language.

`KitInput` is everything the builder needs (no database, no I/O); `kit_texts` gives the
wording of one language from the `kit` gettext domain (compile the catalogs first with
`python -m app.catalogs compile`; a missing catalog raises `KitError`).
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date

from newsletter.editions.values import YouthSubmission

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "kit"
KIT_LANGUAGES: tuple[str, ...] = ("fr", "es", "en", "pt", "ca")
DAY_MONTH, DAY_OF_MONTH = 11, 30


class KitError(ValueError):
    """The kit cannot be built; the message says why in one sentence."""


@dataclass(frozen=True, slots=True)
class Activity:
    """An activity a city declared for the Day (or a feed item announcing one)."""

    city: str
    title: str
    country: str = ""  # ISO 3166-1 alpha-2
    date: date | None = None
    date_text: str = ""  # as declared, kept when it could not be read as a date
    place: str = ""
    audience: str = ""
    link: str = ""
    networks: tuple[str, ...] = ()
    source: str = "declared"  # declared (the D-45 consultation) | feed


@dataclass(frozen=True, slots=True)
class DayItem:
    """A feed item that announces something for the Day."""

    title: str
    url: str
    published_at: datetime  # aware UTC
    language: str = "und"
    city: str = ""
    country: str = ""
    event_date: date | None = None
    summary: str = ""

    def as_activity(self) -> Activity:
        return Activity(
            city=self.city,
            country=self.country,
            title=self.title,
            date=self.event_date,
            link=self.url,
            source="feed",
        )


@dataclass(frozen=True, slots=True)
class KitInput:
    """Everything a kit says. Texts given per language fall back to `en`, then the first one."""

    year: int
    theme: Mapping[str, str] = field(default_factory=dict)
    declaration: Mapping[str, str] = field(default_factory=dict)
    activities: tuple[Activity, ...] = ()
    youth: tuple[YouthSubmission, ...] = ()
    day_items: tuple[DayItem, ...] = ()
    url: str = ""  # the Day's public page, linked from posts, email and press release
    languages: tuple[str, ...] = KIT_LANGUAGES
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        if not 2000 <= self.year <= 2100:
            raise KitError(f"year {self.year} is out of range (2000–2100)")
        unknown = [lang for lang in self.languages if lang not in KIT_LANGUAGES]
        if unknown or not self.languages:
            raise KitError(f"kit languages must be among {', '.join(KIT_LANGUAGES)}")
        if self.url and not re.match(r"https?://\S+$", self.url):
            raise KitError(f"the Day's URL must be an http(s) address, got {self.url!r}")
        if self.generated_at.tzinfo is None:
            raise KitError("generated_at must be an aware datetime")

    @property
    def day_date(self) -> date:
        return date(self.year, DAY_MONTH, DAY_OF_MONTH)

    def all_activities(self) -> tuple[Activity, ...]:
        """Declared activities, then the ones found in feeds (a link already declared once)."""
        links = {a.link for a in self.activities if a.link}
        found = tuple(i.as_activity() for i in self.day_items if i.url not in links)
        return self.activities + found


def in_language(texts: Mapping[str, str], language: str) -> str:
    """The text in `language`, else in English, else the first one given, else ""."""
    for key in (language, "en"):
        if texts.get(key, "").strip():
            return texts[key].strip()
    return next((t.strip() for t in texts.values() if t.strip()), "")


@cache
def translations(language: str) -> gettext.NullTranslations:
    try:
        return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language])
    except FileNotFoundError as error:
        raise KitError(
            f"no compiled kit catalog for {language!r}: run `python -m app.catalogs compile`"
        ) from error


@dataclass(frozen=True, slots=True)
class KitTexts:
    """The wording of one language's kit; values are plain text (escape where they go)."""

    language: str
    language_name: str
    day_name: str
    organisation: str
    date_label: str
    theme: str  # the year's theme, or "" when none was given
    title: str  # the theme, or the Day's name
    kit_title: str
    tagline: str
    theme_sentence: str
    activities_sentence: str
    call_to_action: str
    charter_sentence: str
    short_post: str
    email_subject: str
    email_greeting: str  # to no one by name: cities send the email from their own lists
    email_button: str
    press_kicker: str
    press_headline: str
    about_heading: str
    about_text: str
    more_information: str
    activities_heading: str
    no_activities: str
    youth_heading: str
    no_youth: str
    anonymous: str
    declaration_heading: str
    declaration_text: str
    news_heading: str
    languages_label: str
    contents_heading: str
    download: str  # with a `{size}` slot
    cards_heading: str
    posts_heading: str
    other_languages: str
    labels: Mapping[str, str]  # file kind → label for the index


def kit_texts(kit: KitInput, language: str) -> KitTexts:
    """All the wording of `language`'s kit."""
    t = translations(language)
    _ = t.gettext
    locale = Locale.parse(language)
    day_name = _("International Day of Educating Cities")
    date_label = format_date(kit.day_date, "long", locale=locale)
    theme = in_language(kit.theme, language)
    count = len(kit.all_activities())
    declaration = in_language(kit.declaration, language)
    return KitTexts(
        language=language,
        language_name=(locale.get_display_name(locale) or language).capitalize(),
        day_name=day_name,
        organisation=_("International Association of Educating Cities"),
        date_label=date_label,
        theme=theme,
        title=theme or day_name,
        kit_title=_("{day} {year}: communication kit").format(day=day_name, year=kit.year),
        tagline=_(
            "On {date}, educating cities around the world celebrate their International Day."
        ).format(date=date_label),
        theme_sentence=_("This year's theme: {theme}.").format(theme=theme) if theme else "",
        activities_sentence=_activities_sentence(t, count),
        call_to_action=_(
            "Organise an activity in your city, share it with the hashtags of the Day "
            "and use the materials of this kit."
        ),
        charter_sentence=_(
            "The Day recalls the commitment of local governments to the Charter of Educating "
            "Cities: the city as a place of lifelong learning, inclusion, participation and "
            "coexistence."
        ),
        short_post=_("{date}: {day}. How does your city educate? Tell us!").format(
            date=date_label, day=day_name
        ),
        email_subject=_("{day}: {date}").format(day=day_name, date=date_label),
        email_greeting=_("Hello,"),
        email_button=_("Discover the Day"),
        press_kicker=_("Press release"),
        press_headline=_("Educating cities celebrate their International Day on {date}").format(
            date=date_label
        ),
        about_heading=_("About the International Association of Educating Cities"),
        about_text=_(
            "The International Association of Educating Cities is a non-profit network of local "
            "governments committed to the Charter of Educating Cities."
        ),
        more_information=_("More information:"),
        activities_heading=_("Activities announced by the cities"),
        no_activities=_("No activity has been announced yet."),
        youth_heading=_("Ideas from young people"),
        no_youth=_("No idea from young people has been approved yet."),
        anonymous=_("A young person"),
        declaration_heading=_("Declaration of the Day {year}").format(year=kit.year),
        declaration_text=declaration or _("The declaration of the Day has not been published yet."),
        news_heading=_("News announcing the Day"),
        languages_label=_("Languages"),
        contents_heading=_("Contents"),
        download=_("Download the whole kit in this language (ZIP, {size})"),
        cards_heading=_("Social cards"),
        posts_heading=_("Posts for social networks"),
        other_languages=_("The kit in other languages"),
        labels={
            "email_html": _("Announcement email (HTML)"),
            "email_mjml": _("Announcement email (MJML source)"),
            "press_html": _("Press release (HTML)"),
            "press_md": _("Press release (Markdown)"),
            "post": _("Post for {platform}"),
            "card_square": _("Social card, square (1080×1080)"),
            "card_wide": _("Social card, wide (1200×630)"),
            "calendar": _("Calendar (.ics)"),
            "activities_csv": _("Activities (CSV)"),
            "declaration": _("Declaration of the Day"),
            "youth": _("Ideas from young people"),
        },
    )


def _activities_sentence(t: gettext.NullTranslations, count: int) -> str:
    # Two messages rather than ngettext: app.catalogs does not check plural entries yet, and
    # every kit language has the same two forms for counts from 1 up.
    _ = t.gettext
    if count == 0:
        return ""
    if count == 1:
        return _("One activity has already been announced for the Day.")
    return _("{count} activities have already been announced for the Day.").format(count=count)
