"""Creating polls (queued in the chat outbox), recording answers and Telegram's poll states,
and reading results."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.polls import results
from engagement.polls.errors import PollDefinitionError
from engagement.polls.schema import PollDefinition, check_poll, load_poll, reader_language
from engagement.problems import N_, Problem
from outbox import audience_recipients, enqueue_broadcast
from storage import audit
from storage import polls_queries as q
from storage.base import utcnow
from storage.broadcasts import Broadcast, BroadcastKind
from storage.consultations_queries import all_network_slugs, network_slugs_by_city
from storage.people import Person
from storage.polls import Poll, PollStatus


def poll_key(poll_id: int) -> str:
    """The outbox key of a poll's broadcast."""
    return f"poll:{poll_id}"


def broadcast_payload(poll: Poll) -> dict[str, Any]:
    """The outbox payload: the question and options in each of the poll's languages."""
    return {
        "question": {lang: poll.question[lang] for lang in poll.languages},
        "options": [{lang: o["text"][lang] for lang in poll.languages} for o in poll.options],
        "is_anonymous": poll.is_anonymous,
        "allows_multiple_answers": poll.allows_multiple_answers,
    }


@dataclass(frozen=True)
class CreatedPoll:
    id: int
    slug: str
    recipients: int
    closes_at: datetime


async def create_poll(
    session: AsyncSession,
    source: str,
    *,
    actor: str,
    default_language: str = "en",
    now: datetime | None = None,
) -> CreatedPoll:
    """Check the YAML `source`, store the poll and queue it for its audience, in one commit.

    Raises PollDefinitionError (every `path: reason`) when the file is invalid or its slug is
    taken."""
    now = now or utcnow()
    definition = load_poll(source, known_networks=await all_network_slugs(session), now=now)
    return await _store(session, definition, actor=actor, default_language=default_language)


async def create_poll_from(
    session: AsyncSession,
    data: Mapping[str, Any],
    *,
    actor: str,
    default_language: str = "en",
    now: datetime | None = None,
) -> CreatedPoll:
    """The same as `create_poll` for a poll given as the mapping the YAML file would hold
    (the console's form): same checks, same errors, same paths."""
    definition = await check_poll_data(session, data, now=now)
    return await _store(session, definition, actor=actor, default_language=default_language)


async def check_poll_data(
    session: AsyncSession, data: Mapping[str, Any], *, now: datetime | None = None
) -> PollDefinition:
    """Check a poll given as a mapping (networks known, closing in the future) without
    storing it; PollDefinitionError lists every problem."""
    known = await all_network_slugs(session)
    return check_poll(data, known_networks=known, now=now or utcnow())


async def _store(
    session: AsyncSession, definition: PollDefinition, *, actor: str, default_language: str
) -> CreatedPoll:
    if (existing := await q.poll_by_slug(session, definition.slug)) is not None:
        raise PollDefinitionError(
            [
                Problem(
                    "slug",
                    N_("the poll {slug} exists (#{id})"),
                    {"slug": repr(definition.slug), "id": existing.id},
                )
            ]
        )
    poll = _new_poll(definition, actor)
    session.add(poll)
    await session.flush()
    payload = broadcast_payload(poll)
    audience = f"poll:{poll.id}:{definition.audience.value}"
    broadcast = Broadcast(
        key=poll_key(poll.id),
        kind=BroadcastKind.poll,
        payload=payload,
        audience=audience,
        created_by=actor,
    )
    session.add(broadcast)
    await session.flush()
    poll.broadcast_id = broadcast.id
    recipients = await audience_recipients(
        session, definition.audience.value, default_language=default_language
    )
    if definition.networks:
        members = await q.people_in_networks(session, definition.networks)
        recipients = [r for r in recipients if r.person_id in members]
    audit.record(session, actor, "poll.create", f"poll:{poll.id}", recipients=len(recipients))
    # one commit: the poll, its broadcast and every queued chat, or nothing
    await enqueue_broadcast(session, BroadcastKind.poll, payload, recipients, key=poll_key(poll.id))
    return CreatedPoll(poll.id, poll.slug, len(recipients), poll.closes_at)


def _new_poll(definition: PollDefinition, actor: str) -> Poll:
    return Poll(
        slug=definition.slug,
        question=dict(definition.question),
        options=[{"id": o.id, "text": dict(o.text)} for o in definition.options],
        languages=definition.languages,
        audience=definition.audience.value,
        networks=list(definition.networks),
        is_anonymous=definition.anonymous,
        allows_multiple_answers=definition.multiple_answers,
        closes_at=definition.closes_at,
        status=PollStatus.open,
        created_by=actor,
    )


class AnswerOutcome(enum.StrEnum):
    recorded = "recorded"
    withdrawn = "withdrawn"
    unknown_poll = "unknown_poll"  # not one of ours (or its outbox row is gone)
    anonymous = "anonymous"  # Telegram does not send these; ignored if it ever did
    closed = "closed"  # after the closing time: not counted


async def record_answer(
    session: AsyncSession,
    telegram_poll_id: str,
    person: Person,
    option_indexes: Sequence[int],
    *,
    now: datetime | None = None,
) -> AnswerOutcome:
    """Store a person's answer (a `poll_answer` update) under our option ids; commits."""
    now = now or utcnow()
    sent = await q.sent_poll(session, telegram_poll_id)
    if sent is None:
        return AnswerOutcome.unknown_poll
    poll = sent.poll
    if poll.is_anonymous:
        return AnswerOutcome.anonymous
    if poll.status != PollStatus.open or now >= poll.closes_at:
        return AnswerOutcome.closed
    ids = poll.option_ids
    chosen = [ids[i] for i in option_indexes if 0 <= i < len(ids)]
    cities = person.represented_city_ids()
    await q.save_vote(
        session,
        poll.id,
        person.id,
        option_ids=chosen,
        city_id=cities[0] if cities else None,
        language=reader_language(poll.languages, sent.language),
        now=now,
    )
    return AnswerOutcome.recorded if chosen else AnswerOutcome.withdrawn


async def record_poll_state(
    session: AsyncSession,
    telegram_poll_id: str,
    voter_counts: Sequence[int],
    total_voters: int,
    *,
    now: datetime | None = None,
) -> bool:
    """Keep the counts Telegram reports for one sent poll (`poll` updates); False when the poll
    is not ours. Commits."""
    sent = await q.sent_poll(session, telegram_poll_id)
    if sent is None:
        return False
    await q.save_tally(
        session,
        sent,
        voter_counts=list(voter_counts),
        total_voters=total_voters,
        now=now or utcnow(),
    )
    return True


def facts_of(poll: Poll) -> results.PollFacts:
    return results.PollFacts(
        id=poll.id,
        slug=poll.slug,
        question=poll.question,
        options=poll.options,
        anonymous=poll.is_anonymous,
        multiple_answers=poll.allows_multiple_answers,
        networks=poll.networks,
        status=poll.status.value,
        closes_at=poll.closes_at,
    )


async def poll_results(
    session: AsyncSession, poll_id: int, *, lang: str = "en"
) -> results.PollResults:
    """Merged results of a poll; NotFound when there is no such poll."""
    poll = await q.get_poll(session, poll_id)
    counts = await q.poll_counts(session, poll)
    votes = [results.Vote(o, c, lang_) for o, c, lang_ in counts.votes]
    tallies = [results.Tally(lang_, v, t) for lang_, v, t in counts.tallies]
    cities = {v.city_id for v in votes if v.city_id is not None}
    networks = await network_slugs_by_city(session, sorted(cities)) if cities else {}
    return results.compute_results(
        facts_of(poll),
        votes,
        tallies,
        networks,
        sent=counts.sent,
        stopped=counts.stopped,
        lang=lang,
    )
