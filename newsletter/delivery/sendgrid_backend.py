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
from sendgrid.helpers.mail import ValidateApiKey

from newsletter.delivery.backend import ONE_CLICK, BatchResult, OutgoingBatch
from newsletter.delivery.errors import (
    DeliveryUncertain,
    InvalidBatch,
    PermanentError,
    RateLimited,
    TransientError,
)
from newsletter.delivery.limits import (
    MAX_BODY_BYTES,
    BatchPlan,
    common_custom_args,
    json_size_bound,
    plan_batch,
)
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
        self._prepared: dict[int, tuple[OutgoingBatch, tuple[BatchPlan, dict[str, Any]]]] = {}
        hide_request_details()

    def __repr__(self) -> str:
        return f"SendGridBackend(host={self._client.host!r})"

    def prepare(self, batch: OutgoingBatch) -> None:
        """Check `batch` and build its body now; the next `send_batch(batch)` only posts it."""
        if len(self._prepared) >= 4:  # a prepared batch that was never sent
            self._prepared.clear()
        # any error (a broken limit, a key in the content) is met and raised by send_batch
        with contextlib.suppress(Exception):
            self._prepared[id(batch)] = (batch, self._render(batch))

    async def send_batch(self, batch: OutgoingBatch) -> BatchResult:
        """Post `batch` as one Mail Send request; return the `X-Message-Id`.

        Raises InvalidBatch before sending when a limit is broken, RateLimited on 429,
        TransientError on 5xx or when the request could not be written, PermanentError on other
        refusals, DeliveryUncertain when the answer was lost after the request was written.
        """
        prepared = self._prepared.pop(id(batch), None)
        # single use: a retry checks again (send_at may have come closer to its limit)
        plan, body = prepared[1] if prepared and prepared[0] is batch else self._render(batch)
        if not plan.recipients:
            return BatchResult(None, (), plan.skipped)
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

    def _render(self, batch: OutgoingBatch) -> tuple[BatchPlan, dict[str, Any]]:
        plan = plan_batch(batch, self._clock())
        if not plan.recipients:
            return plan, {}
        body, bound = build_body(batch, plan)
        if bound >= MAX_BODY_BYTES:
            # rare (a huge message): only then is the body serialized twice to measure it
            size = len(json.dumps(body).encode())
            if size >= MAX_BODY_BYTES:
                raise InvalidBatch(f"request body of {size} bytes; SendGrid takes under 30 MB")
        return plan, body

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


def build_body(batch: OutgoingBatch, plan: BatchPlan) -> tuple[dict[str, Any], int]:
    """The Mail Send request body for the planned recipients, and an upper bound of its JSON
    size in bytes (`json_size_bound`: the body is serialized once, by the client).

    The same JSON the sendgrid library's `Mail(...).get()` gives for the same message, built as
    plain dicts: the helper objects cost more than everything else per recipient
    (tests/newsletter/delivery/test_sendgrid_body.py compares the two).
    """
    validator = ValidateApiKey()  # what the library's content helpers check
    validator.validate_message_text(batch.text)
    validator.validate_message_text(batch.html)
    name, address = parseaddr(batch.mail_from)
    body: dict[str, Any] = {
        "from": _email(address, name),
        "subject": batch.subject,
        "personalizations": [],
        "content": [
            {"type": "text/plain", "value": batch.text},
            {"type": "text/html", "value": batch.html},
        ],
    }
    if batch.headers:
        # the library inserts each message header first: the JSON lists them reversed
        body["headers"] = dict(reversed(list(batch.headers.items())))
    body["categories"] = [batch.category]
    if batch.send_at is not None:
        body["send_at"] = int(batch.send_at.timestamp())
    chars = len(batch.mail_from) + len(batch.subject) + len(batch.text) + len(batch.html)
    chars += len(batch.category) + sum(len(k) + len(v) for k, v in batch.headers.items())
    chars += _BODY_KEYS_CHARS
    strings = 16 + 2 * len(batch.headers)
    common = common_custom_args(batch)
    # per recipient: the fixed keys and values, the shared custom args, then what varies
    fixed_chars = _PERSONALIZATION_CHARS + sum(len(k) + len(v) for k, v in common.items())
    fixed_strings = _PERSONALIZATION_STRINGS + 2 * len(common)
    personalizations = body["personalizations"]
    for recipient, values in zip(plan.recipients, plan.substitutions, strict=True):
        to = _email(recipient.email.strip(), recipient.name)
        unsubscribe = recipient.list_unsubscribe_header
        delivery_id, subscriber_id = str(recipient.delivery_id), str(recipient.subscriber_id)
        personalizations.append(
            {
                "to": [to],
                "headers": {"List-Unsubscribe": unsubscribe, "List-Unsubscribe-Post": ONE_CLICK},
                "substitutions": values,
                "custom_args": common
                | {"delivery_id": delivery_id, "subscriber_id": subscriber_id},
            }
        )
        chars += fixed_chars + len(unsubscribe) + len(delivery_id) + len(subscriber_id)
        chars += sum(map(len, to.values())) + sum(map(len, values)) + sum(map(len, values.values()))
        strings += fixed_strings + 2 * (len(to) + len(values))
    return body, json_size_bound(chars, strings)


# the body's own keys, "text/plain" and the like, and send_at's digits
_BODY_KEYS_CHARS = 160
# the fixed strings of each personalization: its keys, the List-Unsubscribe-Post pair, the
# keys of the ids in its custom args, and those of its address ("name", "email")
_PERSONALIZATION_STRINGS = 12
_PERSONALIZATION_CHARS = sum(
    len(k)
    for k in (
        "to",
        "headers",
        "substitutions",
        "custom_args",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        ONE_CLICK,
        "delivery_id",
        "subscriber_id",
        "name",
        "email",
    )
)


def _email(address: str, name: str | None) -> dict[str, str]:
    """`sendgrid.helpers.mail.Email(address, name).get()`: without a name the library parses
    the address as `Name <address>` (and keeps a text without `@` as a name)."""
    if name or not address:
        return {"name": name, "email": address} if name else {"email": address}
    parsed_name, parsed = parseaddr(address)
    if "@" not in parsed:
        parsed_name, parsed = parsed, ""
    email: dict[str, str] = {}
    if parsed_name:
        email["name"] = parsed_name
    if parsed:
        email["email"] = parsed
    return email


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
