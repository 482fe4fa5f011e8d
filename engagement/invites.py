"""City invitations: a signed, single-use, expiring token carried by a `?start=` deep link.

The token is `nonce + signature`: 16 random URL-safe characters and an HMAC-SHA256 of them
(itsdangerous, keyed with AIVE_SECRET_KEY), 59 characters in all, inside Telegram's limit of
64 for a start parameter. The signature refuses forged or mistyped links without a database
look-up; the `city_invites` row makes each one single-use and expiring.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import Signer
from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.subscriptions.invitation import invitation_message
from newsletter.subscriptions.mailer import Mailer
from storage import representatives_queries as q
from storage.audit import record
from storage.base import utcnow
from storage.networks import City
from storage.people import Person
from storage.representatives import CityInvite

NONCE_LENGTH = 16
DEFAULT_VALIDITY = timedelta(days=14)


class InviteProblem(enum.StrEnum):
    forged = "forged"
    used = "used"
    expired = "expired"


@dataclass(frozen=True)
class Redeemed:
    invite: CityInvite
    city: City


def _signer(key: str) -> Signer:
    return Signer(key, salt="aive.city-invite", digest_method=hashlib.sha256)


def sign_nonce(nonce: str, key: str) -> str:
    return nonce + _signer(key).get_signature(nonce).decode()


def nonce_from_token(token: str, key: str) -> str | None:
    """The nonce of a well-signed token, None for anything else (forged, cut, empty)."""
    nonce, signature = token[:NONCE_LENGTH], token[NONCE_LENGTH:]
    if len(nonce) != NONCE_LENGTH or not signature:
        return None
    return nonce if _signer(key).verify_signature(nonce, signature) else None


def invite_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


def invite_token(invite: CityInvite, key: str) -> str:
    """The token of a stored invite (the same one `create_invite` returned)."""
    return sign_nonce(invite.nonce, key)


async def email_invitation(
    mailer: Mailer, invite: CityInvite, link: str, *, to: str, name: str | None, lang: str
) -> None:
    """Send the invitation email with `link`, in `lang`; MailerError when it was not taken."""
    message = invitation_message(
        to=to, name=name, city=invite.city.name, link=link, expires_at=invite.expires_at, lang=lang
    )
    await mailer.send(message)


async def create_invite(
    session: AsyncSession,
    city: City,
    key: str,
    *,
    created_by: str,
    language: str | None = None,
    valid_for: timedelta = DEFAULT_VALIDITY,
    now: datetime | None = None,
    email: str | None = None,
) -> tuple[CityInvite, str]:
    """Add an invite for `city` and return it with its token. The caller commits. `email`:
    the address it was mailed to, recorded on whoever redeems it (consultation emails)."""
    now = now or utcnow()
    nonce = secrets.token_urlsafe(12)  # 12 bytes are 16 URL-safe characters
    invite = CityInvite(
        nonce=nonce,
        city_id=city.id,
        city=city,
        language=language,
        email=email,
        created_by=created_by,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(invite)
    await session.flush()
    record(session, created_by, "invite.created", f"city:{city.id}", invite_id=invite.id)
    return invite, sign_nonce(nonce, key)


async def redeem_invite(
    session: AsyncSession, token: str, key: str, person: Person, now: datetime | None = None
) -> Redeemed | InviteProblem:
    """Mark the invite used by `person`, atomically; tapping one's own link again is fine.

    Returns the invite and its city, or why it is refused. The caller commits.
    """
    now = now or utcnow()
    nonce = nonce_from_token(token, key)
    if nonce is None:
        return InviteProblem.forged
    claimed, invite = await q.claim_invite(session, nonce, person.id, now)
    if invite is None:
        return InviteProblem.forged  # signed with our key but never stored: treat as forged
    if claimed or invite.used_by_person_id == person.id:
        if invite.email and not person.email:
            person.email = invite.email  # where invitations with a web link will be mailed
        return Redeemed(invite, invite.city)
    return InviteProblem.used if invite.used_at is not None else InviteProblem.expired
