"""What a person who asked to represent a city is told of the decision, in their language.

The texts are the bot's (gettext domain `bot` in bot/locales): the bot says them at once when
staff decide there (bot.notices.tell_decision); a decision taken elsewhere (the console) goes
through the chat outbox (`queue_decision_notice`), so the person reads the same sentence.
"""

from __future__ import annotations

import html
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from i18n.catalogs import Catalog
from i18n.languages import LANGUAGES
from outbox import Recipient, enqueue_broadcast
from storage.broadcasts import BroadcastKind
from storage.people import Person
from storage.representatives import RepresentativeRequest

LOCALES = Path(__file__).resolve().parents[1] / "bot" / "locales"
catalog = Catalog(LOCALES, "bot")


def _(message: str) -> str:
    """Marks a message for extraction; translated per reader by `decision_text`."""
    return message


APPROVED = _(
    "Good news: the secretariat confirmed that you represent {city}. "
    "I will send you here what concerns your city."
)
REJECTED = _(
    "The secretariat could not confirm that you represent {city}. "
    "If this is a mistake, reply to their email or ask them for an invitation link."
)


def decision_text(city: str, approved: bool, lang: str) -> str:
    """The sentence telling the person the decision on their request for `city` (HTML)."""
    message = APPROVED if approved else REJECTED
    return catalog.translations(lang).gettext(message).format(city=html.escape(city))


def decision_key(request_id: int) -> str:
    """The outbox key of the message telling a request's decision (queued once)."""
    return f"representative-request:{request_id}:decision"


async def queue_decision_notice(
    session: AsyncSession,
    person: Person,
    request: RepresentativeRequest,
    approved: bool,
    *,
    default_language: str = "en",
    created_by: str = "",
) -> bool:
    """Queue the decision for the person's chat, in their language; False when they have no
    chat (or left). Commits (the outbox does)."""
    if person.telegram_id is None or not person.active:
        await session.commit()
        return False
    texts = {lang: decision_text(request.city.name, approved, lang) for lang in LANGUAGES}
    await enqueue_broadcast(
        session,
        BroadcastKind.text,
        {"text": texts},
        [Recipient(person.telegram_id, person.id, person.language or default_language)],
        audience=f"person:{person.id}",
        created_by=created_by,
        key=decision_key(request.id),
    )
    return True
