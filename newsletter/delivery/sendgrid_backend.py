"""SendGrid v3 Mail Send backend: one request per batch, one personalization per recipient.

The `sendgrid` client is synchronous (urllib underneath): each request runs in a worker thread
and has a timeout (the library has none by default). Library errors become ours
(`newsletter.delivery.errors`); the key never reaches a log line or an error message.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import logging
import time
import urllib.error
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any

from python_http_client import exceptions as http_errors
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import (
    Category,
    CustomArg,
    From,
    Header,
    HtmlContent,
    Mail,
    Personalization,
    PlainTextContent,
    SendAt,
    Subject,
    Substitution,
    To,
)

from newsletter.delivery.backend import ONE_CLICK, BatchResult, OutgoingBatch, OutgoingRecipient
from newsletter.delivery.errors import (
    DeliveryUncertain,
    InvalidBatch,
    PermanentError,
    RateLimited,
    TransientError,
)
from newsletter.delivery.limits import MAX_BODY_BYTES, custom_args_for, plan_batch
from newsletter.delivery.quiet_logs import hide_request_details

log = logging.getLogger(__name__)

DEFAULT_HOST = "https://api.sendgrid.com"
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRY_AFTER = 60.0


class SendGridBackend:
    """Sends batches through one `SendGridAPIClient`.

    `timeout` bounds each request (seconds). `clock` returns aware UTC now (for tests).
    """

    def __init__(
        self,
        api_key: str,
        *,
        host: str = DEFAULT_HOST,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if not api_key or not api_key.strip() or api_key == "None":
            # the library would send "Bearer None"
            raise ValueError("a SendGrid API key is required")
        self._client = SendGridAPIClient(api_key, host=host.rstrip("/"))
        self._timeout = timeout
        self._clock = clock or (lambda: datetime.now(UTC))
        hide_request_details()

    def __repr__(self) -> str:
        return f"SendGridBackend(host={self._client.host!r})"

    async def send_batch(self, batch: OutgoingBatch) -> BatchResult:
        """Post `batch` as one Mail Send request; return the `X-Message-Id`.

        Raises InvalidBatch before sending when a limit is broken, RateLimited on 429,
        TransientError on 5xx or when the request could not be written, PermanentError on other
        refusals, DeliveryUncertain when the answer was lost after the request was written.
        """
        plan = plan_batch(batch, self._clock())
        if not plan.recipients:
            return BatchResult(None, (), plan.skipped)
        body = build_mail(batch, plan.recipients).get()
        size = len(json.dumps(body).encode())
        if size >= MAX_BODY_BYTES:
            raise InvalidBatch(f"request body of {size} bytes; SendGrid takes under 30 MB")
        started = time.perf_counter()
        message_id = await asyncio.to_thread(self._post, body)
        log.info(
            "sendgrid accepted edition %s: %d recipients, message id %s, %.0f ms",
            batch.edition_id,
            len(plan.recipients),
            message_id,
            (time.perf_counter() - started) * 1000,
        )
        accepted = tuple(r.delivery_id for r in plan.recipients)
        return BatchResult(message_id, accepted, plan.skipped)

    async def close(self) -> None:
        """Nothing to release: urllib opens one connection per request."""

    def _post(self, body: dict[str, Any]) -> str | None:
        try:
            response = self._client.client.mail.send.post(request_body=body, timeout=self._timeout)
        except http_errors.HTTPError as exc:
            raise self._translate_refusal(exc) from None
        except urllib.error.URLError as exc:
            # raised while connecting or writing: the request never arrived whole
            raise TransientError(f"SendGrid unreachable: {_reason(exc.reason)}") from None
        except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as exc:
            raise DeliveryUncertain(
                f"SendGrid answer lost after the request was sent: {_reason(exc)}"
            ) from None
        headers = response.headers
        message_id = headers.get("X-Message-Id") if headers is not None else None
        if not message_id:
            log.warning("sendgrid answered %s without X-Message-Id", response.status_code)
        return message_id

    def _translate_refusal(self, exc: http_errors.HTTPError) -> Exception:
        status = int(exc.status_code)
        detail = _error_summary(exc.body)
        if status == 429:
            retry_after, reset_at = _rate_limit(exc.headers, self._clock())
            return RateLimited(
                f"SendGrid rate limit; retry in {retry_after:.0f} s",
                retry_after=retry_after,
                reset_at=reset_at,
            )
        if status >= 500 or status == 408:
            return TransientError(f"SendGrid error {status}: {detail}")
        return PermanentError(f"SendGrid refused the batch ({status}): {detail}", status=status)


def build_mail(batch: OutgoingBatch, recipients: tuple[OutgoingRecipient, ...]) -> Mail:
    """The Mail Send request for `recipients` (already checked and without repeats)."""
    name, address = parseaddr(batch.mail_from)
    mail = Mail(from_email=From(address, name or None), subject=Subject(batch.subject))
    mail.add_content(PlainTextContent(batch.text))
    mail.add_content(HtmlContent(batch.html))
    mail.add_category(Category(batch.category))
    for key, value in batch.headers.items():
        mail.add_header(Header(key, value))
    if batch.send_at is not None:
        mail.send_at = SendAt(int(batch.send_at.timestamp()))
    for index, recipient in enumerate(recipients):
        # index= keeps our order: the library inserts at 0 by default
        mail.add_personalization(_personalization(batch, recipient), index=index)
    return mail


def _personalization(batch: OutgoingBatch, recipient: OutgoingRecipient) -> Personalization:
    p = Personalization()
    p.add_to(To(recipient.email.strip(), recipient.name or None))
    for key, value in recipient.substitutions(batch.name_fallback).items():
        p.add_substitution(Substitution(key, value))
    p.add_header(Header("List-Unsubscribe", recipient.list_unsubscribe_header))
    p.add_header(Header("List-Unsubscribe-Post", ONE_CLICK))
    for key, value in custom_args_for(batch, recipient).items():
        p.add_custom_arg(CustomArg(key, value))
    return p


def _error_summary(body: bytes | str | None) -> str:
    """SendGrid's `{"errors": [{"message", "field"}]}` as one short line."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    try:
        errors = json.loads(text).get("errors") or []
        parts = [
            f"{e.get('message', '?')}" + (f" (field {e['field']})" if e.get("field") else "")
            for e in errors
            if isinstance(e, dict)
        ]
        line = "; ".join(parts) or "no error message"
    except (ValueError, AttributeError):
        line = text or "no error body"
    return " ".join(line.split())[:500]


def _rate_limit(headers: Any, now: datetime) -> tuple[float, datetime | None]:
    """Seconds to wait and the reset time, from Retry-After / X-RateLimit-Reset."""

    def header(name: str) -> str:
        value = headers.get(name) if headers is not None else None
        return str(value or "")

    reset_at: datetime | None = None
    with contextlib.suppress(ValueError, OverflowError, OSError):
        reset_at = datetime.fromtimestamp(int(header("X-RateLimit-Reset")), UTC)
    with contextlib.suppress(ValueError):
        return max(float(header("Retry-After")), 0.0), reset_at
    if reset_at is not None:
        return max((reset_at - now).total_seconds(), 1.0), reset_at
    return DEFAULT_RETRY_AFTER, None


def _reason(exc: object) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
