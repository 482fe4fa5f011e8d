"""Recipient addresses as mail headers and providers take them: the domain in IDNA ASCII.

Subscription stores an internationalized domain in Unicode (`user@exämple.org`); on the wire it
is `user@xn--exmple-cua.org`. A non-ASCII local part has no ASCII form (it needs SMTPUTF8):
such an address cannot be sent, and only its own delivery fails.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


def header_address(address: str) -> str | None:
    """`address` with its domain in IDNA ASCII, or None when it has no ASCII form (a non-ASCII
    local part, a broken domain)."""
    address = address.strip()
    if address.isascii():
        return address
    try:
        ascii_email = validate_email(address, check_deliverability=False).ascii_email
    except EmailNotValidError:
        return None
    return str(ascii_email) if ascii_email else None
