"""Where approved youth ideas went: the bulletin editions that quote them (drafts included,
so staff see what is coming) and, for ideas published without any bulletin, the International
Day kit of the year they were approved (the kit takes the ideas approved that year)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.editions.service import youth_ids
from storage import youth_queries as q
from storage.bulletins import Edition, EditionStatus
from storage.youth import SubmissionStatus, YouthSubmission

# an edition in these states is out, or leaves on its own
OUT = frozenset(
    {EditionStatus.approved, EditionStatus.scheduled, EditionStatus.sending, EditionStatus.sent}
)


class Destination(enum.StrEnum):
    bulletin = "bulletin"
    kit = "kit"


@dataclass(frozen=True, slots=True)
class Placement:
    destination: Destination
    edition: Edition | None = None  # for a bulletin
    year: int | None = None  # for a kit

    @property
    def out(self) -> bool:
        """Whether the readers have it (or will, without anyone acting again)."""
        return self.destination is Destination.kit or (
            self.edition is not None and self.edition.status in OUT
        )


@dataclass(frozen=True, slots=True)
class ApprovedIdea:
    submission: YouthSubmission
    placements: tuple[Placement, ...]


async def approved_ideas(session: AsyncSession, limit: int = 100) -> list[ApprovedIdea]:
    """The latest approved ideas, each with where it appears."""
    ideas = await q.decided_submissions(session, SubmissionStatus.approved, limit)
    decided = [i.decided_at for i in ideas if i.decided_at is not None]
    editions = await q.editions_since(session, min(decided)) if decided else []
    return [ApprovedIdea(idea, placements(idea, editions)) for idea in ideas]


def placements(idea: YouthSubmission, editions: list[Edition]) -> tuple[Placement, ...]:
    """Pure: the editions quoting `idea`; the kit when it was published and no edition that
    went out quotes it."""
    found = [
        Placement(Destination.bulletin, edition=e)
        for e in editions
        if idea.id in youth_ids(e.content or {})
    ]
    if idea.published and not any(p.out for p in found):
        found.append(Placement(Destination.kit, year=_year(idea.decided_at)))
    return tuple(found)


def _year(moment: datetime | None) -> int | None:
    return moment.year if moment else None
