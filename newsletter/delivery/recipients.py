"""Per-recipient links of a bulletin: unsubscribe (RFC 8058 one-click) and preferences.

Interim: `recipient_urls` signs the same tokens as `newsletter.subscriptions.tokens` (salts
`aive.unsubscribe` / `aive.preferences`, payload `[subscriber id, address fingerprint]`); when
that module lands, this function should call its `unsubscribe_url` and `preferences_url`.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Protocol

from itsdangerous import URLSafeSerializer


class LinkSettings(Protocol):
    @property
    def public_url(self) -> str: ...

    def signing_key(self) -> str: ...


class SubscriberLike(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def email_key(self) -> str: ...


def recipient_urls(settings: LinkSettings, subscriber: SubscriberLike) -> tuple[str, str]:
    """(unsubscribe URL, preferences URL) of `subscriber`, signed with the settings' key."""
    key = settings.signing_key()
    payload = [subscriber.id, _fingerprint(subscriber.email_key)]
    base = settings.public_url.rstrip("/")
    unsubscribe = _serializer(key, "aive.unsubscribe").dumps(payload)
    preferences = _serializer(key, "aive.preferences").dumps(payload)
    return f"{base}/unsubscribe/{unsubscribe}", f"{base}/preferences/{preferences}"


class CachedLinks:
    """`recipient_urls` with the signing key read once (it may come from a file)."""

    def __init__(self, settings: LinkSettings) -> None:
        key = settings.signing_key()
        self._settings = _Fixed(settings.public_url, key)

    def __call__(self, subscriber: SubscriberLike) -> tuple[str, str]:
        return recipient_urls(self._settings, subscriber)


class _Fixed:
    def __init__(self, public_url: str, key: str) -> None:
        self.public_url = public_url
        self._key = key

    def signing_key(self) -> str:
        return self._key


@lru_cache(maxsize=32)
def _serializer(key: str, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(key, salt=salt)


def _fingerprint(email_key: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(email_key.encode()).digest()[:6]).decode()
