"""Fixtures and builders for the delivery tests."""

from __future__ import annotations

from newsletter.delivery.backend import OutgoingBatch, OutgoingRecipient
from newsletter.delivery.placeholders import Part, Slot, token
from tests.fakes.sendgrid import fake_sendgrid

__all__ = ["fake_sendgrid", "make_batch", "make_recipient"]

NAME_T = token(Slot.NAME, Part.TEXT)
NAME_H = token(Slot.NAME, Part.HTML)
UNSUB_T = token(Slot.UNSUBSCRIBE_URL, Part.TEXT)
UNSUB_H = token(Slot.UNSUBSCRIBE_URL, Part.HTML)
PREFS_H = token(Slot.PREFERENCES_URL, Part.HTML)


def make_recipient(i: int, email: str | None = None, name: str | None = None) -> OutgoingRecipient:
    return OutgoingRecipient(
        delivery_id=1000 + i,
        subscriber_id=500 + i,
        email=email or f"reader{i}@example.org",
        name=name if name is not None else f"Reader {i}",
        unsubscribe_url=f"https://aive.example/unsubscribe/tok{i}",
        preferences_url=f"https://aive.example/preferences/tok{i}",
    )


def make_batch(recipients: list[OutgoingRecipient] | int, **changes: object) -> OutgoingBatch:
    if isinstance(recipients, int):
        recipients = [make_recipient(i) for i in range(recipients)]
    fields: dict[str, object] = {
        "edition_id": 42,
        "mail_from": "AIVE <bulletin@example.org>",
        "subject": f"Bulletin for {NAME_T}",
        "html": f'<p>Hello {NAME_H}</p><a href="{UNSUB_H}">Unsubscribe</a>'
        f' <a href="{PREFS_H}">Preferences</a>',
        "text": f"Hello {NAME_T}\nUnsubscribe: {UNSUB_T}\n",
        "recipients": tuple(recipients),
        "category": "bulletin",
        "custom_args": {"series": "global-monthly"},
        "name_fallback": "reader",
    }
    fields.update(changes)
    return OutgoingBatch(**fields)  # type: ignore[arg-type]
