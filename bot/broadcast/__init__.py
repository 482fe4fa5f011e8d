"""The chat broadcast engine: a rate-limited outbox of messages to many Telegram chats.

Features that write to many chats (consultation invites, café reminders, polls, campaign
messages) call `enqueue_broadcast`; `aive worker` runs `drain_broadcasts`, which sends within
Telegram's limits (`limiter`), honours 429 `retry_after`, marks people who blocked the bot
inactive and never sends a row twice (see `sender` for the one duplicate window Telegram leaves).
"""

from typing import Any

from bot.broadcast.content import ContentError, localized
from bot.broadcast.limiter import Limits, RateLimiter
from bot.broadcast.outbox import (
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

# The sending side needs aiogram (a few seconds to import): loaded on first use, so that
# enqueueing (CLI commands, the web app) stays light.
_LAZY = {
    "BroadcastDrainer": "bot.broadcast.drainer",
    "drain_broadcasts": "bot.broadcast.drainer",
    "BroadcastError": "bot.broadcast.sender",
    "BroadcastSender": "bot.broadcast.sender",
    "SendPolicy": "bot.broadcast.sender",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)


__all__ = [
    "AUDIENCES",
    "BroadcastDrainer",
    "BroadcastError",
    "BroadcastSender",
    "BroadcastSummary",
    "ContentError",
    "Limits",
    "RateLimiter",
    "Recipient",
    "SendPolicy",
    "audience_recipients",
    "broadcast_status",
    "cancel_broadcast",
    "drain_broadcasts",
    "enqueue_broadcast",
    "localized",
    "pause_broadcast",
    "recipients_for_chats",
    "requeue_uncertain",
]
