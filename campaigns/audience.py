"""Who a step reaches: confirmed email subscribers, and people in chat by audience."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.timeline import StepSpec
from outbox import Recipient, audience_recipients
from storage.people import Person
from storage.subscribers import Subscriber, SubscriberStatus


@dataclass(frozen=True)
class EmailReader:
    subscriber_id: int
    email: str
    language: str


@dataclass(frozen=True)
class StepAudience:
    emails: tuple[EmailReader, ...]
    chats: tuple[Recipient, ...]
    names: dict[int, str]  # chat id → display name, for the dry run

    def email_languages(self) -> Counter[str]:
        return Counter(r.language for r in self.emails)

    def chat_languages(self) -> Counter[str]:
        return Counter(r.language for r in self.chats)


async def email_readers(session: AsyncSession) -> list[EmailReader]:
    """Confirmed subscribers who have not paused their mail (the campaign goes to all)."""
    rows = await session.execute(
        select(Subscriber.id, Subscriber.email, Subscriber.language)
        .where(Subscriber.status == SubscriberStatus.confirmed, Subscriber.paused.is_(False))
        .order_by(Subscriber.id)
    )
    return [EmailReader(i, e, lang or "en") for i, e, lang in rows.all()]


async def step_audience(
    session: AsyncSession, spec: StepSpec, *, default_language: str
) -> StepAudience:
    chats = await audience_recipients(
        session, spec.chat_audience, default_language=default_language
    )
    ids = [c.person_id for c in chats if c.person_id is not None]
    names = {}
    if ids:
        rows = await session.execute(
            select(Person.telegram_id, Person.display_name).where(Person.id.in_(ids))
        )
        names = {int(t): n for t, n in rows.all() if t is not None}
    return StepAudience(tuple(await email_readers(session)), tuple(chats), names)
