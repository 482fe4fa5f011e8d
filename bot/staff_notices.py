"""Telling staff in the bot what the scheduler prepared for them (new bulletin drafts)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import FeatureCatalog
from outbox.queue import audience_recipients, enqueue_broadcast
from storage.broadcasts import BroadcastKind
from storage.bulletins import Edition

catalog = FeatureCatalog("staff_notices")
_ = catalog.text
LANGUAGES = ("en", "fr", "es", "pt", "ca")


def draft_notice(editions: Sequence[Edition], lang: str) -> str:
    """One message listing the new drafts, with the command that previews each."""
    lines = [_("New bulletin drafts are ready for review:", lang)]
    for edition in editions:
        count = (edition.content or {}).get("spread", {}).get("total", 0)
        lines.append(
            _(
                "• %(series)s (%(language)s), %(count)s items",
                lang,
                series=edition.series.title(lang),
                language=edition.language,
                count=count,
            )
        )
    lines.append(
        _(
            "Send /bulletins to preview them, leave items out, write the editorial and approve.",
            lang,
        )
    )
    return "\n".join(lines)


async def notify_staff_of_drafts(
    session: AsyncSession, editions: Sequence[Edition], default_language: str = "en"
) -> int:
    """Queue one message to every staff member (in their language); returns how many.

    Idempotent: the broadcast is keyed by the edition ids, so a rerun queues nothing new.
    """
    if not editions:
        return 0
    recipients = await audience_recipients(session, "staff", default_language=default_language)
    if not recipients:
        return 0
    key = "bulletin-drafts:" + ",".join(str(e.id) for e in sorted(editions, key=lambda e: e.id))
    payload = {"text": {lang: draft_notice(editions, lang) for lang in LANGUAGES}}
    await enqueue_broadcast(
        session,
        BroadcastKind.text,
        payload,
        recipients,
        audience="staff",
        created_by="scheduler",
        key=key,
    )
    return len(recipients)
