"""Signed tokens in subscription links: confirm (expires), unsubscribe and preferences (do not).

Every token carries the subscriber id and a short fingerprint of the lower-cased address, so a
changed address invalidates the old links. Each purpose has its own salt: a token made for one
purpose is refused by the others.

`unsubscribe_url` and `preferences_url` are called once per recipient by the delivery engine,
so the signing key and serializers are cached, and the two permanent tokens are signed with
`hmac.digest` over a key derived once: byte for byte what itsdangerous' `Signer` makes (and
reads back), at a fraction of its cost (see benchmarks/subscription_tokens.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from itsdangerous import BadSignature, SignatureExpired, Signer, URLSafeTimedSerializer

from newsletter.errors import NewsletterError

CONFIRM_MAX_AGE_SECONDS = 7 * 24 * 3600
CSRF_MAX_AGE_SECONDS = 4 * 3600


class TokenSettings(Protocol):
    """What token functions need from the settings (app.settings.Settings fits)."""

    @property
    def public_url(self) -> str: ...

    def signing_key(self) -> str: ...


class SubscriberLike(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def email_key(self) -> str: ...


@dataclass(frozen=True)
class TokenClaim:
    subscriber_id: int
    fingerprint: str

    def matches(self, subscriber: SubscriberLike) -> bool:
        return self.fingerprint == fingerprint(subscriber.email_key)


class TokenError(NewsletterError):
    """A link token is not valid; `expired` tells an old but genuine one from a forged one."""

    def __init__(self, expired: bool, claim: TokenClaim | None = None) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired
        self.claim = claim  # of a genuine but expired token: whose it was (e.g. their language)


@lru_cache(maxsize=4096)
def fingerprint(email_key: str) -> str:
    """Eight URL-safe characters derived from the address (the address never goes in a URL)."""
    digest = hashlib.sha256(email_key.encode()).digest()[:6]
    return base64.urlsafe_b64encode(digest).decode()


# id(settings) -> (settings, key); the settings object is kept so its id cannot be reused
_KEYS: dict[int, tuple[object, str]] = {}


def _key(settings: TokenSettings) -> str:
    cached = _KEYS.get(id(settings))
    if cached is not None and cached[0] is settings:
        return cached[1]
    if len(_KEYS) > 16:
        _KEYS.clear()
    key = settings.signing_key()
    _KEYS[id(settings)] = (settings, key)
    return key


@lru_cache(maxsize=32)
def _plain(key: str, salt: str) -> Signer:
    # a bare signer over "id.fingerprint": about 3x cheaper than a serializer, which JSON-encodes
    # and tries to compress every payload (benchmarks/subscription_tokens.py)
    return Signer(key, salt=salt, digest_method=hashlib.sha256)


@lru_cache(maxsize=32)
def _timed(key: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=salt)


def _claim(payload: object) -> TokenClaim:
    if (
        isinstance(payload, list)
        and len(payload) == 2
        and isinstance(payload[0], int)
        and isinstance(payload[1], str)
    ):
        return TokenClaim(payload[0], payload[1])
    raise TokenError(expired=False)


def _payload(subscriber: SubscriberLike) -> list[object]:
    return [subscriber.id, fingerprint(subscriber.email_key)]


def confirm_token(settings: TokenSettings, subscriber: SubscriberLike) -> str:
    return str(_timed(_key(settings), "aive.confirm").dumps(_payload(subscriber)))


def read_confirm_token(
    settings: TokenSettings, token: str, max_age: int = CONFIRM_MAX_AGE_SECONDS
) -> TokenClaim:
    """The claim of a confirm token; TokenError(expired=True) after `max_age` seconds."""
    serializer = _timed(_key(settings), "aive.confirm")
    try:
        return _claim(serializer.loads(token, max_age=max_age))
    except SignatureExpired as exc:
        claim: TokenClaim | None = None
        if isinstance(exc.payload, bytes):
            try:
                claim = _claim(serializer.load_payload(exc.payload))
            except (BadSignature, TokenError):
                claim = None
        raise TokenError(expired=True, claim=claim) from None
    except BadSignature:
        raise TokenError(expired=False) from None


@lru_cache(maxsize=32)
def _derived(key: str, salt: str) -> bytes:
    """The HMAC key `_plain(key, salt)` signs with (itsdangerous derives it on every call)."""
    return _plain(key, salt).derive_key()


def _fast_sign(derived: bytes, value: str) -> str:
    """`Signer.sign(value)` of itsdangerous (HMAC-SHA256, "." separator, unpadded URL-safe
    base64), without its per-call key derivation and object layers."""
    signature = hmac.digest(derived, value.encode(), "sha256")
    return f"{value}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _plain_value(subscriber: SubscriberLike) -> str:
    return f"{subscriber.id}.{fingerprint(subscriber.email_key)}"


def _plain_token(settings: TokenSettings, salt: str, subscriber: SubscriberLike) -> str:
    return _fast_sign(_derived(_key(settings), salt), _plain_value(subscriber))


def _read_plain(settings: TokenSettings, salt: str, token: str) -> TokenClaim:
    try:
        value = _plain(_key(settings), salt).unsign(token).decode()
    except (BadSignature, UnicodeError):
        raise TokenError(expired=False) from None
    subscriber_id, _, print_ = value.partition(".")
    if not subscriber_id.isdigit() or not print_:
        raise TokenError(expired=False)
    return TokenClaim(int(subscriber_id), print_)


def unsubscribe_token(settings: TokenSettings, subscriber: SubscriberLike) -> str:
    return _plain_token(settings, "aive.unsubscribe", subscriber)


def read_unsubscribe_token(settings: TokenSettings, token: str) -> TokenClaim:
    return _read_plain(settings, "aive.unsubscribe", token)


def preferences_token(settings: TokenSettings, subscriber: SubscriberLike) -> str:
    return _plain_token(settings, "aive.preferences", subscriber)


def read_preferences_token(settings: TokenSettings, token: str) -> TokenClaim:
    return _read_plain(settings, "aive.preferences", token)


def confirm_url(settings: TokenSettings, subscriber: SubscriberLike) -> str:
    return f"{settings.public_url}/confirm/{confirm_token(settings, subscriber)}"


def unsubscribe_url(settings: TokenSettings, subscriber: SubscriberLike) -> str:
    """The subscriber's permanent unsubscribe link (GET shows a button; POST is one-click)."""
    return f"{settings.public_url}/unsubscribe/{unsubscribe_token(settings, subscriber)}"


def preferences_url(settings: TokenSettings, subscriber: SubscriberLike) -> str:
    """The subscriber's permanent preferences link (language, networks, pause)."""
    return f"{settings.public_url}/preferences/{preferences_token(settings, subscriber)}"


def link_urls(settings: TokenSettings, subscriber: SubscriberLike) -> tuple[str, str]:
    """(`unsubscribe_url`, `preferences_url`) of `subscriber` at once: the delivery engine's
    per-recipient call (the payload and the derived keys are computed once for both)."""
    key = _key(settings)
    value = _plain_value(subscriber)
    base = settings.public_url
    return (
        f"{base}/unsubscribe/{_fast_sign(_derived(key, 'aive.unsubscribe'), value)}",
        f"{base}/preferences/{_fast_sign(_derived(key, 'aive.preferences'), value)}",
    )


def csrf_form_token(settings: TokenSettings, nonce: str) -> str:
    """The hidden form field matching the `nonce` kept in the visitor's CSRF cookie."""
    return str(_timed(_key(settings), "aive.csrf").dumps(nonce))


def csrf_valid(
    settings: TokenSettings, form_token: str, cookie_nonce: str, max_age: int = CSRF_MAX_AGE_SECONDS
) -> bool:
    """True when the form token is ours, recent, and made for the nonce in the cookie."""
    if not form_token or not cookie_nonce:
        return False
    try:
        nonce = _timed(_key(settings), "aive.csrf").loads(form_token, max_age=max_age)
    except BadSignature:
        return False
    return isinstance(nonce, str) and nonce == cookie_nonce
