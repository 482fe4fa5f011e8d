"""Invitations, reminders and check-in calls, queued in the chat outbox once per person.

Whether a notice is due is derived from the café's start time in the database (`due_kinds`,
pure); who already had it is in `cafe_notices` (unique per café, person and kind). The notice
rows and the outbox rows are committed together, so a restart, a second scheduler run or a
rescheduled café never sends one twice, and never loses one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import SUPPORTED_LANGUAGES
from engagement.cafes import messages
from engagement.cafes.calendar import CalendarEvent, calendar_file
from engagement.reader_time import reader_zones, zone
from outbox.content import validate_payload
from outbox.queue import Recipient, add_recipients
from storage.broadcasts import Broadcast, BroadcastKind
from storage.cafes import Cafe, CafeNotice, NoticeKind
from storage.people import Person

DAY_BEFORE = timedelta(hours=24)
HOUR_BEFORE = timedelta(hours=1)
REMINDERS = (NoticeKind.day_before, NoticeKind.hour_before, NoticeKind.check_in)


def due_kinds(starts_at: datetime, ends_at: datetime, now: datetime) -> list[NoticeKind]:
    """The reminders due now for registered people (pure).

    24 h: from 24 h until 1 h before the start (later it would say nothing new); 1 h (with the
    call link): from 1 h before until the end, so that someone registered late still gets the
    link; check-in: during the café.
    """
    due = []
    if starts_at - DAY_BEFORE <= now < starts_at - HOUR_BEFORE:
        due.append(NoticeKind.day_before)
    if starts_at - HOUR_BEFORE <= now < ends_at:
        due.append(NoticeKind.hour_before)
    if starts_at <= now < ends_at:
        due.append(NoticeKind.check_in)
    return due


def action_data(action: str, cafe_id: int) -> str:
    """The callback data of a café button (bot.features.cafes.CafeAction packs the same)."""
    return f"cf:{action}:{cafe_id}"


def _buttons(cafe: Cafe, kind: NoticeKind) -> list[list[dict[str, Any]]]:
    def button(action: str) -> dict[str, Any]:
        label = {lang: messages.button_label(action, lang) for lang in SUPPORTED_LANGUAGES}
        if action == "call":
            return {"text": label, "url": cafe.call_url}
        return {"text": label, "callback_data": action_data(action, cafe.id)}

    rows = {
        NoticeKind.invite: [[button(messages.JOIN)]],
        NoticeKind.day_before: [[button(messages.LEAVE)]],
        NoticeKind.hour_before: [[button("call")], [button(messages.LEAVE)]],
        NoticeKind.check_in: [[button(messages.CHECK_IN)]],
    }
    return rows[kind]


def payload(cafe: Cafe, kind: NoticeKind, timezone: str) -> dict[str, Any]:
    """The outbox payload for readers in `timezone`: the text in each language, the buttons."""
    tz = zone(timezone, "UTC")
    if kind == NoticeKind.invite:
        texts = {lang: messages.invitation(cafe, lang, tz) for lang in SUPPORTED_LANGUAGES}
    else:
        texts = {lang: messages.reminder(cafe, kind, lang, tz) for lang in SUPPORTED_LANGUAGES}
    return {"text": texts, "buttons": _buttons(cafe, kind)}


async def claim_notices(
    session: AsyncSession,
    cafe: Cafe,
    kind: NoticeKind,
    person_ids: Iterable[int],
    *,
    now: datetime,
) -> list[int]:
    """Insert the notice rows that do not exist yet; the people who had none (no commit)."""
    insert = _notice_rows(session, cafe, kind, person_ids, now)
    if insert is None:
        return []
    statement = insert.on_conflict_do_nothing(index_elements=NOTICE_KEY).returning(
        NOTICES.c.person_id
    )
    return sorted((await session.execute(statement)).scalars().all())


NOTICES = CafeNotice.metadata.tables[CafeNotice.__tablename__]
NOTICE_KEY = ["cafe_id", "person_id", "kind"]


def _notice_rows(
    session: AsyncSession, cafe: Cafe, kind: NoticeKind, person_ids: Iterable[int], now: datetime
) -> Any:
    """An INSERT of one notice row per person for the café's current start, in the session's
    dialect (its ON CONFLICT clause is the caller's); None when there is nobody."""
    rows = [
        {
            "cafe_id": cafe.id,
            "person_id": p,
            "kind": kind.value,
            "for_start": cafe.starts_at,
            "queued_at": now,
        }
        for p in dict.fromkeys(person_ids)
    ]
    if not rows:
        return None
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(NOTICES).values(rows)


async def queue_notices(
    session: AsyncSession,
    cafe: Cafe,
    kind: NoticeKind,
    person_ids: Sequence[int],
    *,
    now: datetime,
    default_timezone: str,
    default_language: str,
    created_by: str = "scheduler",
) -> int:
    """Queue `kind` for these people, once each ever; one broadcast per reader timezone.
    Commits; returns how many were queued."""
    fresh = await claim_notices(session, cafe, kind, person_ids, now=now)
    rows = (
        await session.execute(
            select(Person.id, Person.telegram_id, Person.language).where(
                Person.id.in_(fresh), Person.active.is_(True), Person.telegram_id.is_not(None)
            )
        )
    ).all()
    zones = await reader_zones(session, [pid for pid, _chat, _lang in rows], default_timezone)
    groups: dict[str, list[Recipient]] = defaultdict(list)
    for pid, chat, lang in rows:
        assert chat is not None  # filtered above
        name = zones[pid].key
        groups[name].append(Recipient(chat, pid, lang or default_language))
    for timezone, recipients in sorted(groups.items()):
        content = payload(cafe, kind, timezone)
        audience = f"cafe:{cafe.id}:{kind.value}"
        await _broadcast(session, BroadcastKind.text, content, audience, created_by, recipients)
    await session.commit()
    return sum(len(r) for r in groups.values())


async def queue_moved(
    session: AsyncSession,
    cafe: Cafe,
    person_ids: Sequence[int],
    *,
    now: datetime,
    default_timezone: str,
    default_language: str,
    host: str,
    created_by: str,
) -> int:
    """Tell these people (registered or waiting) that the café moved, each in their language and
    timezone, with the new .ics (same UID, the café's new SEQUENCE): one document broadcast per
    timezone and language. Once per person and start time, also if called again; the caller
    commits (with the move itself). Returns how many were queued."""
    fresh = await _claim_moved(session, cafe, person_ids, now=now)
    rows = (
        await session.execute(
            select(Person.id, Person.telegram_id, Person.language).where(
                Person.id.in_(fresh), Person.active.is_(True), Person.telegram_id.is_not(None)
            )
        )
    ).all()
    zones = await reader_zones(session, [pid for pid, _, _ in rows], default_timezone)
    groups: dict[tuple[str, str], list[Recipient]] = defaultdict(list)
    for pid, chat, lang in rows:
        assert chat is not None  # filtered above
        language = lang or default_language
        groups[(zones[pid].key, language)].append(Recipient(chat, pid, language))
    event = CalendarEvent(
        cafe.id,
        cafe.titles,
        cafe.descriptions,
        cafe.starts_at,
        cafe.duration_minutes,
        cafe.sequence,
    )
    for (timezone, language), recipients in sorted(groups.items()):
        ics = calendar_file(event, language, now=now, host=host).decode()
        content = {
            "caption": {language: messages.moved(cafe, language, zone(timezone, "UTC"))},
            "file": {"data": ics, "filename": f"{cafe.slug}.ics"},
        }
        audience = f"cafe:{cafe.id}:{NoticeKind.moved.value}"
        await _broadcast(session, BroadcastKind.document, content, audience, created_by, recipients)
    return sum(len(r) for r in groups.values())


async def _broadcast(
    session: AsyncSession,
    kind: BroadcastKind,
    content: dict[str, Any],
    audience: str,
    created_by: str,
    recipients: Sequence[Recipient],
) -> None:
    """Queue `content` for `recipients` as one broadcast of the chat outbox (no commit)."""
    validate_payload(kind, content)
    broadcast = Broadcast(kind=kind, payload=content, audience=audience, created_by=created_by)
    session.add(broadcast)
    await session.flush()
    await add_recipients(session, broadcast.id, recipients)


async def _claim_moved(
    session: AsyncSession, cafe: Cafe, person_ids: Iterable[int], *, now: datetime
) -> list[int]:
    """The people not yet told of the café's current start (an upsert on the notice row)."""
    upsert = _notice_rows(session, cafe, NoticeKind.moved, person_ids, now)
    if upsert is None:
        return []
    statement = upsert.on_conflict_do_update(
        index_elements=NOTICE_KEY,
        set_={"for_start": upsert.excluded.for_start, "queued_at": upsert.excluded.queued_at},
        where=NOTICES.c.for_start != upsert.excluded.for_start,
    ).returning(NOTICES.c.person_id)
    return sorted((await session.execute(statement)).scalars().all())
