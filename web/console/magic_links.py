"""One-time sign-in links: signed (the signing key), valid 15 minutes, used once (the nonce's
hash is a row that sign-in marks used)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.ext.asyncio import AsyncSession

from storage import staff_queries
from storage.staff import StaffMember

SALT = "aive-console-sign-in"
LINK_LIFETIME = timedelta(minutes=15)


@dataclass(frozen=True)
class LinkClaim:
    staff_id: int
    nonce: str


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def sign_link(signing_key: str, staff_id: int, nonce: str) -> str:
    return URLSafeTimedSerializer(signing_key, salt=SALT).dumps({"s": staff_id, "n": nonce})


def read_link(
    signing_key: str, token: str, lifetime: timedelta = LINK_LIFETIME
) -> LinkClaim | None:
    """The claim of a well-signed link younger than `lifetime`; None otherwise."""
    try:
        data = URLSafeTimedSerializer(signing_key, salt=SALT).loads(
            token, max_age=int(lifetime.total_seconds())
        )
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return None
    nonce = data.get("n")
    return LinkClaim(data["s"], nonce) if isinstance(nonce, str) else None


def link_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/console/sign-in/link/{token}"


async def issue_link(
    session: AsyncSession,
    member: StaffMember,
    signing_key: str,
    public_url: str,
    now: datetime,
    lifetime: timedelta = LINK_LIFETIME,
) -> str:
    """A new one-time link for `member` (the caller commits)."""
    nonce = secrets.token_urlsafe(24)
    await staff_queries.create_login_link(session, member.id, digest(nonce), now, lifetime)
    return link_url(public_url, sign_link(signing_key, member.id, nonce))


async def use_link(
    session: AsyncSession, signing_key: str, token: str, now: datetime, lifetime: timedelta
) -> int | None:
    """The staff id a valid, unused, unexpired link signs in; the link is used up."""
    claim = read_link(signing_key, token, lifetime)
    if claim is None:
        return None
    staff_id = await staff_queries.use_login_link(session, digest(claim.nonce), now)
    return staff_id if staff_id == claim.staff_id else None
