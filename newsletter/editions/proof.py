"""A proof of an edition: the rendered email sent to one staff address before approval.

The per-reader placeholders get stand-ins (the staff member's name, links that go nowhere), and
the subject says it is a test, so a forwarded proof cannot be mistaken for the bulletin.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.delivery.placeholders import Slot, fill, substitutions
from newsletter.editions.errors import BulletinError
from newsletter.editions.service import get_edition
from newsletter.subscriptions.mailer import Mailer, MailerError, TransactionalMessage
from storage.audit import record

PROOF_PREFIX = "[TEST] "


class ProofError(BulletinError):
    """The proof was not sent (no rendered edition, or the mailer refused)."""


async def send_proof(
    session: AsyncSession,
    edition_id: int,
    *,
    to: str,
    to_name: str | None,
    mailer: Mailer,
    public_url: str,
    actor: str,
) -> None:
    """Send edition `edition_id` as rendered now to `to`; audited (the caller commits).
    Raises storage.errors.NotFound, ProofError."""
    edition = await get_edition(session, edition_id)
    if not (edition.html and edition.text and edition.subject):
        raise ProofError(f"edition {edition.id} has nothing rendered to send")
    nowhere = f"{public_url.rstrip('/')}/preferences/test"
    pairs = substitutions(
        {Slot.NAME: to_name or "", Slot.UNSUBSCRIBE_URL: nowhere, Slot.PREFERENCES_URL: nowhere}
    )
    message = TransactionalMessage(
        to=to,
        to_name=to_name,
        subject=PROOF_PREFIX + fill(edition.subject, pairs),
        text=fill(edition.text, pairs),
        html=fill(edition.html, pairs),
        category="bulletin-test",
    )
    try:
        await mailer.send(message)
    except MailerError as exc:
        raise ProofError(str(exc)) from None
    record(session, actor, "bulletin.test_send", f"edition:{edition.id}", to=to)
