"""Social posts per platform, counted the way each platform counts, within its limit.

Pure. X counts in weighted code points (most Latin text weighs 1, other scripts and emoji 2)
and every link as 23, whatever its length; Bluesky counts graphemes; the others count
characters. A body that does not fit is cut at a word boundary with an ellipsis; the link and
the hashtags are never cut (whole hashtags are dropped from the end if even they do not fit).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

from campaigns.kit.content import KitTexts

X_URL_LENGTH = 23
ELLIPSIS = "…"
GLOBAL_HASHTAGS = ("#EducatingCities", "#30N")
# The Day's hashtag in each kit language (brand names, not translated wording).
LANGUAGE_HASHTAGS = {
    "fr": "#VillesÉducatrices",
    "es": "#CiudadesEducadoras",
    "en": "#EducatingCities",
    "pt": "#CidadesEducadoras",
    "ca": "#CiutatsEducadores",
}

_HTTP_URL = re.compile(r"https?://\S+", re.IGNORECASE)
# What X may also take for a link: a bare domain such as edcities.org/page.
_BARE_DOMAIN = re.compile(
    r"(?<![\w@#/.])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?:/\S*)?", re.IGNORECASE
)
# twitter-text v3: code points in these ranges weigh 1; everything else weighs 2.
_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


class Platform(enum.StrEnum):
    x = "x"
    bluesky = "bluesky"
    instagram = "instagram"
    facebook = "facebook"
    linkedin = "linkedin"


@dataclass(frozen=True, slots=True)
class PlatformRules:
    name: str  # as the platform writes itself
    limit: int  # in the platform's own unit (see `post_length`)
    long_form: bool  # paragraphs and the whole message, or one short line
    max_hashtags: int = 30


RULES: dict[Platform, PlatformRules] = {
    Platform.x: PlatformRules("X", 280, long_form=False),
    Platform.bluesky: PlatformRules("Bluesky", 300, long_form=False),
    Platform.instagram: PlatformRules("Instagram", 2200, long_form=True, max_hashtags=30),
    # Facebook accepts 63,206 characters; posts that long go unread, so we stay far below.
    Platform.facebook: PlatformRules("Facebook", 2000, long_form=True),
    Platform.linkedin: PlatformRules("LinkedIn", 3000, long_form=True),
}


def hashtags_for(language: str) -> tuple[str, ...]:
    """The Day's hashtags for a post in `language`: its own, then the global ones."""
    tags = [LANGUAGE_HASHTAGS.get(language, "#EducatingCities"), *GLOBAL_HASHTAGS]
    return tuple(dict.fromkeys(tags))


def graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


def x_weighted_length(text: str) -> int:
    """The length X gives a post: NFC code points weighted, each link counted as 23."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for match in _HTTP_URL.finditer(text):
        total += _weighted(text[position : match.start()])
        total += X_URL_LENGTH
        position = match.end()
    return total + _weighted(text[position:])


def _weighted(text: str) -> int:
    total = 0
    position = 0
    # A bare domain may or may not be linked by X: count whichever is longer.
    for match in _BARE_DOMAIN.finditer(text):
        total += _code_point_weight(text[position : match.start()])
        total += max(_code_point_weight(match.group(0)), X_URL_LENGTH)
        position = match.end()
    return total + _code_point_weight(text[position:])


def _code_point_weight(text: str) -> int:
    total = 0
    for cluster in regex.findall(r"\X", text):
        if regex.match(r"\p{Extended_Pictographic}", cluster):
            total += 2  # an emoji sequence weighs 2, however many code points it has
            continue
        for char in cluster:
            point = ord(char)
            total += 1 if any(low <= point <= high for low, high in _LIGHT_RANGES) else 2
    return total


def post_length(platform: Platform, text: str) -> int:
    """The length of `text` as `platform` counts it."""
    if platform is Platform.x:
        return x_weighted_length(text)
    if platform is Platform.bluesky:
        return graphemes(text)
    return len(text)


def compose_post(
    platform: Platform, body: str, *, url: str = "", hashtags: Sequence[str] = ()
) -> str:
    """`body`, then the link, then the hashtags, within `platform`'s limit.

    Short-form posts put everything on one line; long-form ones keep the body's paragraphs
    and put the link and the hashtags on lines of their own.
    """
    rules = RULES[platform]
    tags = list(hashtags)[: rules.max_hashtags]
    measure: Callable[[str], int] = lambda text: post_length(platform, text)  # noqa: E731
    gap = "\n\n" if rules.long_form else " "
    while True:
        tail = _tail(url, tags, rules.long_form)
        if measure(tail) <= rules.limit or not tags:
            break
        tags.pop()
    if measure(tail) > rules.limit:
        tail = ""  # a link longer than the whole post: leave it out rather than cut it
    body = body.strip() if rules.long_form else " ".join(body.split())
    whole = f"{body}{gap}{tail}" if body and tail else body or tail
    if measure(whole) <= rules.limit:
        return whole
    return _cut_body(body, tail, gap, rules.limit, measure)


def _tail(url: str, tags: Sequence[str], long_form: bool) -> str:
    separator = "\n" if long_form else " "
    return separator.join(part for part in (url, " ".join(tags)) if part)


def _cut_body(body: str, tail: str, gap: str, limit: int, measure: Callable[[str], int]) -> str:
    """The longest word-boundary prefix of `body` that fits with an ellipsis and the tail."""
    cuts = [m.start() for m in re.finditer(r"\s+", body)]
    best = tail
    low, high = 0, len(cuts) - 1
    while low <= high:
        middle = (low + high) // 2
        prefix = body[: cuts[middle]].rstrip(" ,;:.–—-")
        candidate = f"{prefix}{ELLIPSIS}{gap}{tail}" if tail else f"{prefix}{ELLIPSIS}"
        if prefix and measure(candidate) <= limit:
            best = candidate
            low = middle + 1
        else:
            high = middle - 1
    return best


def kit_posts(texts: KitTexts, url: str) -> dict[Platform, str]:
    """One post per platform in the kit's language, with the Day's hashtags."""
    tags = hashtags_for(texts.language)
    short = " ".join(part for part in (texts.short_post, texts.theme_sentence) if part)
    long = "\n\n".join(
        part
        for part in (
            f"{texts.day_name} · {texts.date_label}",
            texts.tagline,
            texts.theme_sentence,
            texts.activities_sentence,
            texts.call_to_action,
        )
        if part
    )
    return {
        platform: compose_post(platform, long if rules.long_form else short, url=url, hashtags=tags)
        for platform, rules in RULES.items()
    }
