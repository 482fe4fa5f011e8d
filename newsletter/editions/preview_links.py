"""Signed, expiring links to a draft's web preview (`/archive/preview/<token>`): the bot and the
console hand them out, the web page checks them. A token is for one edition and expires after
PREVIEW_MAX_AGE_SECONDS; a forged, cut or expired one is worth nothing."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

PREVIEW_MAX_AGE_SECONDS = 14 * 24 * 3600
_SALT = "aive.bulletin-preview"


def preview_token(key: str, edition_id: int) -> str:
    return URLSafeTimedSerializer(key, salt=_SALT).dumps(edition_id)


def preview_url(public_url: str, key: str, edition_id: int) -> str:
    return f"{public_url.rstrip('/')}/archive/preview/{preview_token(key, edition_id)}"


def edition_of_token(key: str, token: str) -> int | None:
    """The edition a genuine, unexpired token is for; None for anything else."""
    try:
        value = URLSafeTimedSerializer(key, salt=_SALT).loads(
            token, max_age=PREVIEW_MAX_AGE_SECONDS
        )
    except BadSignature:  # forged, cut, or expired (SignatureExpired is a BadSignature)
        return None
    return value if isinstance(value, int) else None
