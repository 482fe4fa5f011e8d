"""Approved youth ideas as plain values for a bulletin's "Youth voice" section.

`approved_youth_for_bulletin` reads storage and returns `editions.values.YouthSubmission`s
for `compose_edition(youth=...)`; `editions.service.compose_draft` calls it for the draft's
period unless `Extras(youth=...)` is given. `mark_published` (called by `bulletins.approve`)
records that they went out, after which /forget anonymizes them instead of deleting them.
Ideas are signed with the first name only when the author chose so; otherwise, or once the
author used /forget, with "A young person" in the edition's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from i18n.catalogs import Catalog
from newsletter.editions.values import YouthSubmission, require_aware
from storage import youth as stored
from storage import youth_queries

LOCALE_DIR = Path(__file__).parents[1] / "locales"
DOMAIN = "youth"
UNDETERMINED = "und"


def _(message: str) -> str:
    """Marks a message for extraction; translated by `anonymous_author`."""
    return message


ANONYMOUS = _("A young person")


catalog = Catalog(LOCALE_DIR, DOMAIN)


def anonymous_author(language: str | None) -> str:
    return catalog.text(ANONYMOUS, language or "en")


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
    rows = await youth_queries.approved_between(session, since, until)
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
    return await youth_queries.mark_published(session, ids)
