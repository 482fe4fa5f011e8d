"""The chat outbox's enqueue side: what to send to whom, in which language, and what staff do
with a broadcast (status, pause, cancel, requeue). No Telegram here: `bot.broadcast` sends."""

from outbox.errors import BroadcastFinished, OutboxError
from outbox.queue import (
    AUDIENCES,
    BroadcastSummary,
    Recipient,
    audience_recipients,
    broadcast_status,
    cancel_broadcast,
    enqueue_broadcast,
    pause_broadcast,
    recipients_for_chats,
    requeue_uncertain,
)

__all__ = [
    "AUDIENCES",
    "BroadcastFinished",
    "BroadcastSummary",
    "OutboxError",
    "Recipient",
    "audience_recipients",
    "broadcast_status",
    "cancel_broadcast",
    "enqueue_broadcast",
    "pause_broadcast",
    "recipients_for_chats",
    "requeue_uncertain",
]
