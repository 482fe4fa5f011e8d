"""Email address syntax, checked with email-validator (no network: deliverability is not
checked here, bounces tell us later)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


class AddressError(ValueError):
    """The address is not valid; `str()` says why in one line (English, for staff)."""


def normalize_address(raw: str) -> str:
    """The address as we store it (domain normalized, local part kept), or AddressError."""
    value = (raw or "").strip()
    if not value:
        raise AddressError("empty; an email address is required")
    if len(value) > 320:
        raise AddressError("longer than 320 characters")
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise AddressError(str(exc)) from None
    return str(checked.normalized)


def address_key(address: str) -> str:
    """The case-insensitive identity of an address (same rule as Subscriber.email_key)."""
    return address.strip().lower()
