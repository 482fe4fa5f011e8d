"""Youth voice I/O: profiles, submissions, staff decisions and erasure (the caller commits)."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.youth.media import MediaShelf
from engagement.youth.rules import DAY, ProfileFacts, first_name_only
from newsletter.feeds.language import UNDETERMINED, detect_language
from storage import youth_queries as q
from storage.audit import record
from storage.people import Person
from storage.youth import (
    AgeBracket,
    MediaKind,
    PublishAs,
    SubmissionStatus,
    Theme,
    YouthProfile,
    YouthSubmission,
)


def facts(profile: YouthProfile | None) -> ProfileFacts:
    if profile is None:
        return ProfileFacts(None, False, None)
    return ProfileFacts(
        profile.age_bracket, profile.guardian_consent_at is not None, profile.publish_as
    )


async def get_profile(session: AsyncSession, person: Person) -> YouthProfile | None:
    return await session.get(YouthProfile, person.id)


async def set_age_bracket(
    session: AsyncSession, person: Person, bracket: AgeBracket
) -> YouthProfile:
    """Create or update the profile; a new bracket asks again for the guardian's agreement."""
    profile = await get_profile(session, person)
    if profile is None:
        profile = YouthProfile(person_id=person.id, age_bracket=bracket)
        session.add(profile)
    elif profile.age_bracket is not bracket:
        profile.age_bracket = bracket
        profile.guardian_consent_at = None
    return profile


def set_publish_as(profile: YouthProfile, choice: PublishAs, telegram_first_name: str) -> None:
    """Keep the first name only when the person chose to sign with it."""
    profile.publish_as = choice
    name = first_name_only(telegram_first_name)
    profile.first_name = name if choice is PublishAs.first_name and name else None
    if choice is PublishAs.first_name and not name:
        profile.publish_as = PublishAs.anonymous


async def submission_times(session: AsyncSession, person: Person, now: datetime) -> list[datetime]:
    """When the person's ideas of the last day were sent (for the daily limit)."""
    return await q.submission_times_since(session, person.id, now - DAY)


@dataclass(frozen=True, slots=True)
class Draft:
    title: str
    text: str
    theme: Theme
    city_id: int | None
    media_kind: MediaKind | None = None
    media_file_id: str | None = None


async def guess_language(text: str, hints: Sequence[str]) -> str:
    """ISO 639-1 code or "und"; off the event loop (the detector's first use loads models)."""
    guess = await asyncio.to_thread(detect_language, text, hints)
    return guess.lang or UNDETERMINED


async def create_submission(
    session: AsyncSession, person: Person, draft: Draft, now: datetime
) -> YouthSubmission:
    hints = [person.language] if person.language else []
    submission = YouthSubmission(
        person_id=person.id,
        title=draft.title.strip(),
        text=draft.text.strip(),
        language=await guess_language(f"{draft.title}\n{draft.text}", hints),
        theme=draft.theme,
        city_id=draft.city_id,
        media_kind=draft.media_kind,
        media_file_id=draft.media_file_id,
        created_at=now,
    )
    session.add(submission)
    await session.flush()
    await session.refresh(submission, ["city"])  # staff read the city's name
    record(session, f"person:{person.id}", "youth.submitted", f"youth_submission:{submission.id}")
    return submission


class Outcome(enum.StrEnum):
    done = "done"
    already_decided = "already_decided"
    gone = "gone"


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    submission: YouthSubmission | None = None
    author: Person | None = None


async def decide(
    session: AsyncSession,
    submission_id: int,
    staff: Person | None,
    status: SubmissionStatus,
    now: datetime,
    reason: str | None = None,
    *,
    actor: str | None = None,
) -> Decision:
    """Decide a pending submission once: a later press, by anyone, changes nothing.

    `staff` is the deciding person when they have one (a console member may not); `actor` is
    how the audit log names them (default `person:<id>`, as in the bot)."""
    assert status is not SubmissionStatus.pending
    assert staff is not None or actor is not None, "who decides?"
    decided, submission = await q.decide_pending(
        session,
        submission_id,
        status=status,
        reason=reason,
        staff_id=staff.id if staff else None,
        now=now,
    )
    if submission is None:
        return Decision(Outcome.gone)
    author = await session.get(Person, submission.person_id) if submission.person_id else None
    if not decided:
        return Decision(Outcome.already_decided, submission, author)
    who = actor or f"person:{staff.id if staff else '?'}"
    record(session, who, f"youth.{status}", f"youth_submission:{submission_id}")
    return Decision(Outcome.done, submission, author)


async def get_submission(session: AsyncSession, submission_id: int) -> YouthSubmission | None:
    return await session.get(YouthSubmission, submission_id)


async def pending_submissions(session: AsyncSession, limit: int = 20) -> list[YouthSubmission]:
    return await q.pending_submissions(session, limit)


@dataclass(frozen=True, slots=True)
class WaitingIdea:
    """A pending idea as a moderator reviews it: the author's profile (None once forgotten)
    and the language they read the decision in."""

    submission: YouthSubmission
    profile: YouthProfile | None
    reads: str

    @property
    def guardian_agreed(self) -> bool:
        return self.profile is not None and self.profile.guardian_consent_at is not None


async def waiting_ideas(session: AsyncSession, limit: int = 50) -> list[WaitingIdea]:
    """Pending ideas, oldest first, with what a moderator needs to decide."""
    waiting = await q.pending_submissions(session, limit)
    people = {s.person_id for s in waiting if s.person_id is not None}
    profiles = await q.profiles_of(session, list(people))
    found = []
    for submission in waiting:
        author = await session.get(Person, submission.person_id) if submission.person_id else None
        reads = author.language if author and author.language else submission.language
        profile = profiles.get(submission.person_id) if submission.person_id else None
        found.append(WaitingIdea(submission, profile, reads))
    return found


async def forget_youth(
    session: AsyncSession, person_id: int, media: MediaShelf | None = None
) -> int:
    """Erase a young person's data: the profile and every unpublished submission go; published
    ones stay, without their author (so they are signed anonymously from then on). The photos
    and voice notes the console cached from Telegram go too, published or not (`media`: the
    console's cache; None when the caller has none). Returns how many submissions were
    deleted."""
    ids = await q.submission_ids_of(session, person_id)
    deleted = await q.erase_youth(session, person_id)
    if media is not None:
        await media.erase(ids)
    return deleted
