"""A person asks to be forgotten (`/forget` in the bot): what goes and what stays."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.youth.media import MediaShelf
from engagement.youth.service import forget_youth
from storage.audit import record
from storage.people import Person


async def forget_person(
    session: AsyncSession, person: Person, *, actor: str = "bot", media: MediaShelf | None = None
) -> None:
    """Delete the person and their roles and requests; the caller commits.

    Rows that point at the person from elsewhere (used invites, decisions, consultation
    responses, published youth ideas) keep their content and lose the link (ON DELETE SET
    NULL); the youth profile and unpublished youth ideas are deleted, and so are the photos
    and voice notes of their ideas cached for the console (`media`).
    """
    record(session, actor, "person.forgotten", f"person:{person.id}")
    # unpublished ideas go, published ones lose the name
    await forget_youth(session, person.id, media)
    await session.delete(person)
