"""Read a Day kit's inputs from the database: declared activities, youth ideas, feed items.

- Activities: the submitted responses of the campaign's D-45 consultation, slug
  `day-<year>-activities`, questions `title`, `date`, `place`, `audience`, `link` (no such
  consultation: no declared activities).
- Youth: ideas approved during the year (`newsletter.editions.youth.approved_youth_for_bulletin`).
- Feed items that announce the Day (`campaigns.kit.day_items.announces_day`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.kit.content import KIT_LANGUAGES, Activity, DayItem, KitInput
from campaigns.kit.day_items import FIRST_ANNOUNCEMENT_MONTH, announces_day, day_window
from newsletter.editions.values import YouthSubmission
from newsletter.editions.youth import anonymous_author, approved_youth_for_bulletin
from storage.consultations import Consultation, ConsultationResponse, ResponseStatus
from storage.feeds import Item, ItemSource, Source
from storage.networks import City

ACTIVITY_QUESTIONS = ("title", "date", "place", "audience", "link")
MAX_FEED_ITEMS = 2000  # candidates examined; the Day's window holds far fewer

_MONTHS = {
    11: ("novembre", "noviembre", "november", "novembro", "nov"),
    12: ("decembre", "diciembre", "december", "dezembro", "desembre", "dicembre", "dec", "dic"),
    10: ("octobre", "octubre", "october", "outubro", "ottobre", "oct"),
}


def activities_slug(year: int) -> str:
    return f"day-{year}-activities"


async def load_kit_inputs(
    session: AsyncSession,
    year: int,
    *,
    theme: Mapping[str, str] | str | None = None,
    declaration: Mapping[str, str] | str | None = None,
    url: str = "",
    languages: tuple[str, ...] = KIT_LANGUAGES,
) -> KitInput:
    """Everything the kit of `year` says, from the database (read only).

    `theme` and `declaration` are given per language (a plain string counts for all).
    Raises `campaigns.kit.KitError` on an out-of-range year or a bad URL.
    """
    return KitInput(
        year=year,
        theme=_per_language(theme),
        declaration=_per_language(declaration),
        activities=tuple(await declared_activities(session, year)),
        youth=tuple(await approved_youth(session, year)),
        day_items=tuple(await day_feed_items(session, year)),
        url=url,
        languages=languages,
    )


def _per_language(value: Mapping[str, str] | str | None) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"en": value} if value.strip() else {}
    return {k: v for k, v in value.items() if v and v.strip()}


async def declared_activities(session: AsyncSession, year: int) -> list[Activity]:
    consultation = await session.scalar(
        select(Consultation).where(Consultation.slug == activities_slug(year))
    )
    if consultation is None:
        return []
    rows = await session.execute(
        select(ConsultationResponse, City)
        .outerjoin(City, City.id == ConsultationResponse.city_id)
        .where(
            ConsultationResponse.consultation_id == consultation.id,
            ConsultationResponse.status == ResponseStatus.submitted,
        )
        .order_by(ConsultationResponse.submitted_at, ConsultationResponse.id)
    )
    activities = []
    for response, city in rows.all():
        answers = {q: _answer(response.answers, q) for q in ACTIVITY_QUESTIONS}
        if not answers["title"]:
            continue
        activities.append(
            Activity(
                city=city.name if city else "",
                country=city.country if city else "",
                title=answers["title"],
                date=parse_activity_date(answers["date"], year),
                date_text=answers["date"],
                place=answers["place"],
                audience=answers["audience"],
                link=answers["link"] if re.match(r"https?://\S+$", answers["link"]) else "",
                networks=tuple(sorted(n.slug for n in city.networks)) if city else (),
            )
        )
    return activities


def _answer(answers: Mapping[str, Any], question: str) -> str:
    value = answers.get(question)
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return " ".join(str(value).split())


def parse_activity_date(text: str, year: int) -> date | None:
    """`2026-11-30`, `30/11/2026`, `30.11`, `30 de noviembre`, `November 30` … or None."""
    text = text.strip().lower()
    if not text:
        return None
    found = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text)
    if found:
        return _date(int(found[1]), int(found[2]), int(found[3]))
    found = re.search(r"\b(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2,4}))?\b", text)
    if found:
        given = int(found[3]) if found[3] else year
        return _date(given + 2000 if given < 100 else given, int(found[2]), int(found[1]))
    folded = text.replace("é", "e")
    for month, names in _MONTHS.items():
        for name in names:
            day = re.search(rf"\b(\d{{1,2}})\s*(?:de\s+|d')?{name}\w*", folded) or re.search(
                rf"\b{name}\w*\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", folded
            )
            if day:
                return _date(year, month, int(day[1]))
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


async def approved_youth(session: AsyncSession, year: int) -> list[YouthSubmission]:
    """Ideas approved during `year`; anonymous ones get an empty author (signed by the kit in
    each language)."""
    since, until = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    ideas = await approved_youth_for_bulletin(session, since, until, language="en")
    anonymous = anonymous_author("en")
    return [
        YouthSubmission(
            id=i.id,
            text=i.text,
            author="" if i.author == anonymous else i.author,
            city=i.city,
            country=i.country,
            language=i.language,
        )
        for i in ideas
    ]


async def day_feed_items(session: AsyncSession, year: int) -> list[DayItem]:
    """Feed items that announce the Day of `year`, oldest first."""
    first, last = day_window(year)
    window_start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    window_end = datetime(last.year, last.month, last.day, 23, 59, 59, tzinfo=UTC)
    announced_from = datetime(year, FIRST_ANNOUNCEMENT_MONTH, 1, tzinfo=UTC)
    items = await session.scalars(
        select(Item)
        .where(
            or_(
                Item.published_at.between(announced_from, window_end),
                Item.event_at.between(window_start, window_end),
            )
        )
        .order_by(Item.published_at, Item.id)
        .limit(MAX_FEED_ITEMS)
    )
    found = []
    for item in items:
        event_date = item.event_at.date() if item.event_at else None
        text = item.content_text or item.summary_text
        if not announces_day(
            item.title, text, year=year, published_at=item.published_at, event_date=event_date
        ):
            continue
        city = await _item_city(session, item.id)
        found.append(
            DayItem(
                title=item.title,
                url=item.url,
                published_at=item.published_at,
                language=item.language,
                city=city.name if city else "",
                country=city.country if city else "",
                event_date=event_date,
                summary=item.summary_text,
            )
        )
    return found


async def _item_city(session: AsyncSession, item_id: int) -> City | None:
    return await session.scalar(
        select(City)
        .join(Source, Source.city_id == City.id)
        .join(ItemSource, ItemSource.source_id == Source.id)
        .where(ItemSource.item_id == item_id)
        .order_by(ItemSource.first_seen_at, ItemSource.id)
        .limit(1)
    )
