"""Queue a staff broadcast (a checked `broadcast_definition.Definition`) to its recipients:
the command line calls it, and the console can call the same function."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.broadcast_definition import Definition
from outbox import (
    Recipient,
    audience_recipients,
    broadcast_status,
    enqueue_broadcast,
    recipients_for_chats,
)
from storage.polls_queries import people_in_networks


@dataclass(frozen=True, slots=True)
class QueuedBroadcast:
    id: int
    chats: int  # every chat the broadcast reaches, those queued before under the same key too


async def queue_broadcast(
    session: AsyncSession, definition: Definition, *, created_by: str, default_language: str
) -> QueuedBroadcast:
    """Queue `definition` for its audience (only members of its networks' cities when it names
    networks) or for its chats; a definition with a `key` created again adds only new chats.
    Commits (enqueue_broadcast does)."""
    broadcast = await enqueue_broadcast(
        session,
        definition.kind,
        definition.payload,
        await _recipients(session, definition, default_language),
        audience=definition.audience or "chats",
        created_by=created_by,
        key=definition.key,
    )
    (summary,) = await broadcast_status(session, broadcast.id)
    return QueuedBroadcast(broadcast.id, summary.total)


async def _recipients(
    session: AsyncSession, definition: Definition, default_language: str
) -> list[Recipient]:
    if definition.audience is None:
        return await recipients_for_chats(
            session, definition.chats, default_language=default_language
        )
    recipients = await audience_recipients(
        session, definition.audience, default_language=default_language
    )
    if definition.networks:
        members = await people_in_networks(session, definition.networks)
        recipients = [r for r in recipients if r.person_id in members]
    return recipients
