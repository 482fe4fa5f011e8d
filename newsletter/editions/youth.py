"""Approved youth ideas as plain values for a bulletin's "Youth voice" section.

`approved_youth_for_bulletin` reads storage and returns `editions.values.YouthSubmission`s
for `compose_edition(youth=...)`; `editions.service.compose_draft` calls it for the draft's
period unless `Extras(youth=...)` is given. `mark_published` (called by `bulletins.approve`)
records that they went out, after which /forget anonymizes them instead of deleting them.
Ideas are signed with the first name only when the author chose so; otherwise, or once the
author used /forget, with "A young person" in the edition's language.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.editions.values import YouthSubmission, base_language, require_aware
from storage import youth as stored
from storage.networks import City

LOCALE_DIR = Path(__file__).parents[1] / "locales"
DOMAIN = "youth"
UNDETERMINED = "und"


def _(message: str) -> str:
    """Marks a message for extraction; translated by `anonymous_author`."""
    return message


ANONYMOUS = _("A young person")


@cache
def _translations(language: str) -> gettext.NullTranslations:
    try:
        return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language])
    except FileNotFoundError:
        return gettext.NullTranslations()


def anonymous_author(language: str | None) -> str:
    return _translations(base_language(language or "en")).gettext(ANONYMOUS)


async def approved_youth_for_bulletin(
    session: AsyncSession, since: datetime, until: datetime, language: str | None = None
) -> list[YouthSubmission]:
    """Ideas approved in [since, until), oldest decision first, in every language.

    `language` is the edition's: anonymous ideas are signed in it. Ideas in other languages
    are returned too; `compose_edition` puts the edition's language first and badges the rest.
    Raises `newsletter.editions.values.CompositionError` on a naive datetime.
    """
    require_aware(since, "since")
    require_aware(until, "until")
    rows = await session.execute(
        select(stored.YouthSubmission, City, stored.YouthProfile)
        .outerjoin(City, City.id == stored.YouthSubmission.city_id)
        .outerjoin(
            stored.YouthProfile,
            stored.YouthProfile.person_id == stored.YouthSubmission.person_id,
        )
        .where(
            stored.YouthSubmission.status == stored.SubmissionStatus.approved,
            stored.YouthSubmission.decided_at >= since,
            stored.YouthSubmission.decided_at < until,
        )
        .order_by(stored.YouthSubmission.decided_at, stored.YouthSubmission.id)
    )
    return [
        YouthSubmission(
            id=idea.id,
            text=f"{idea.title} — {idea.text}",
            author=_signature(profile) or anonymous_author(language),
            city=city.name if city else "",
            country=city.country if city else "",
            language="" if idea.language == UNDETERMINED else idea.language,
        )
        for idea, city, profile in rows
    ]


def _signature(profile: stored.YouthProfile | None) -> str | None:
    if profile is None or profile.publish_as is not stored.PublishAs.first_name:
        return None
    return profile.first_name or None


async def mark_published(session: AsyncSession, submission_ids: Iterable[int]) -> int:
    """Record that these approved ideas went out (a sent bulletin, a campaign kit); the caller
    commits. Returns how many were marked."""
    ids = list(submission_ids)
    if not ids:
        return 0
    result = await session.execute(
        update(stored.YouthSubmission)
        .where(
            stored.YouthSubmission.id.in_(ids),
            stored.YouthSubmission.status == stored.SubmissionStatus.approved,
        )
        .values(published=True)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
