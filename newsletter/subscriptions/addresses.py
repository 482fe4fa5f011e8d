"""Email address syntax, checked with email-validator (no network: deliverability is not
checked here, bounces tell us later).

What we accept: internationalized domains (stored in Unicode, written in IDNA ASCII in mail
headers, see `newsletter.delivery.mail_addresses`). What we refuse: a non-ASCII local part
(`josé@…`), which needs SMTPUTF8 all along the way; `UnsupportedAddress` says so, and the faces
translate `NON_ASCII_LOCAL_PART` (subscriptions catalog) for the person who typed it.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from newsletter.errors import NewsletterError

NON_ASCII_LOCAL_PART = (
    "An address with accented or non-Latin letters before the @ cannot receive our emails; "
    "please give another address."
)


class AddressError(NewsletterError, ValueError):
    """The address is not valid; `str()` says why in one line (English, for staff)."""


class UnsupportedAddress(AddressError):
    """A valid address our mail cannot carry (a non-ASCII local part): `NON_ASCII_LOCAL_PART`."""


def normalize_address(raw: str) -> str:
    """The address as we store it (domain normalized, local part kept), or AddressError
    (UnsupportedAddress for a non-ASCII local part)."""
    value = (raw or "").strip()
    if not value:
        raise AddressError("empty; an email address is required")
    if len(value) > 320:
        raise AddressError("longer than 320 characters")
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise AddressError(str(exc)) from None
    if checked.ascii_email is None:
        raise UnsupportedAddress(NON_ASCII_LOCAL_PART)
    return str(checked.normalized)


def address_key(address: str) -> str:
    """The case-insensitive identity of an address (same rule as Subscriber.email_key)."""
    return address.strip().lower()
