"""The root of the chat outbox's exception tree."""

from __future__ import annotations


class OutboxError(Exception):
    """Base of every error of the chat outbox (e.g. `outbox.content.ContentError`)."""


class BroadcastFinished(OutboxError, ValueError):
    """The broadcast is over (sent or cancelled): it cannot be cancelled, paused or resumed."""
