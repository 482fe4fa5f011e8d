"""The signed, personal, expiring link that opens a consultation's web form.

The token carries the consultation, the person and the city they answer for, signed with
AIVE_SECRET_KEY (itsdangerous, SHA-256, its own salt) with the time it was made. Reading it
refuses a forged or cut token and one older than its validity without a database look-up;
whether the person may still answer for that city is checked on every request by the same
rules as the bot (`response_access.start_or_resume`). Asking for a new link is always possible
(the consultation's page mails one), so a short validity costs little.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import quote

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from storage.base import utcnow

SALT = "aive.consultation-answers"
DEFAULT_VALIDITY = timedelta(days=14)


class LinkProblem(StrEnum):
    forged = "forged"
    expired = "expired"


@dataclass(frozen=True)
class AnswerLink:
    consultation_id: int
    person_id: int
    city_id: int | None


def _serializer(key: str, now: datetime) -> URLSafeTimedSerializer:
    stamp = int(now.timestamp())

    class _SignerAt(TimestampSigner):  # signs and checks ages at `now` (tests choose it)
        def get_timestamp(self) -> int:
            return stamp

    return URLSafeTimedSerializer(
        key, salt=SALT, signer=_SignerAt, signer_kwargs={"digest_method": hashlib.sha256}
    )


def make_token(link: AnswerLink, key: str, *, now: datetime | None = None) -> str:
    payload = [link.consultation_id, link.person_id, link.city_id]
    return str(_serializer(key, now or utcnow()).dumps(payload))


def read_token(
    token: str,
    key: str,
    *,
    valid_for: timedelta = DEFAULT_VALIDITY,
    now: datetime | None = None,
) -> AnswerLink | LinkProblem:
    """The link a token stands for, or why it is refused (forged, cut, or too old)."""
    serializer = _serializer(key, now or utcnow())
    try:
        payload = serializer.loads(token, max_age=int(valid_for.total_seconds()))
    except SignatureExpired:
        return LinkProblem.expired
    except BadSignature:
        return LinkProblem.forged
    if not (isinstance(payload, list) and len(payload) == 3):
        return LinkProblem.forged
    consultation_id, person_id, city_id = payload
    if not (isinstance(consultation_id, int) and isinstance(person_id, int)):
        return LinkProblem.forged
    if city_id is not None and not isinstance(city_id, int):
        return LinkProblem.forged
    return AnswerLink(consultation_id, person_id, city_id)


def answer_path(slug: str, token: str) -> str:
    return f"/consultations/{quote(slug)}/answer/{token}"


def answer_url(public_url: str, slug: str, token: str) -> str:
    return public_url.rstrip("/") + answer_path(slug, token)
