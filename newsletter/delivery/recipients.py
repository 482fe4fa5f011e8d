"""Per-recipient links of a bulletin: unsubscribe (RFC 8058 one-click) and preferences.

The tokens are those of `newsletter.subscriptions.tokens`, the pages that read them.
"""

from __future__ import annotations

from newsletter.subscriptions.tokens import (
    SubscriberLike,
    TokenSettings,
    link_urls,
)


def recipient_urls(settings: TokenSettings, subscriber: SubscriberLike) -> tuple[str, str]:
    """(unsubscribe URL, preferences URL) of `subscriber`, signed with the settings' key."""
    return link_urls(settings, subscriber)


class CachedLinks:
    """The links of many recipients with one settings object (its signing key read once)."""

    def __init__(self, settings: TokenSettings) -> None:
        self._settings = settings

    def __call__(self, subscriber: SubscriberLike) -> tuple[str, str]:
        return link_urls(self._settings, subscriber)
