"""The confirmation email through SendGrid (used when AIVE_SENDGRID_API_KEY is set).

One message, one request; no List-Unsubscribe (nobody is subscribed yet). Errors become
MailerError with one line saying why; the key never reaches a log.
"""

from __future__ import annotations

import asyncio
import base64
import urllib.error
from email.utils import parseaddr
from typing import Any

from python_http_client import exceptions as http_errors
from sendgrid import SendGridAPIClient

from newsletter.delivery.quiet_logs import hide_request_details
from newsletter.subscriptions.mailer import MailerError, TransactionalMessage, wire_address

TIMEOUT_SECONDS = 15.0


class SendGridMailer:
    def __init__(
        self, api_key: str, host: str, mail_from: str, timeout: float = TIMEOUT_SECONDS
    ) -> None:
        if not api_key.strip():
            raise ValueError("a SendGrid API key is required")
        self._client = SendGridAPIClient(api_key, host=host.rstrip("/"))
        self._mail_from = mail_from
        self._timeout = timeout
        hide_request_details()

    async def send(self, message: TransactionalMessage) -> None:
        await asyncio.to_thread(self._post, request_body(message, self._mail_from))

    def _post(self, body: dict[str, Any]) -> None:
        try:
            self._client.client.mail.send.post(request_body=body, timeout=self._timeout)
        except http_errors.HTTPError as exc:
            raise MailerError(f"SendGrid refused the email ({exc.status_code})") from None
        except (urllib.error.URLError, OSError) as exc:
            raise MailerError(f"SendGrid unreachable: {type(exc).__name__}") from None


def request_body(message: TransactionalMessage, mail_from: str) -> dict[str, Any]:
    """The v3 Mail Send body of one transactional message."""
    from_name, from_address = parseaddr(mail_from)
    to: dict[str, str] = {"email": wire_address(message)}
    if message.to_name:
        to["name"] = message.to_name
    sender: dict[str, str] = {"email": from_address}
    if from_name:
        sender["name"] = from_name
    body: dict[str, Any] = {
        "personalizations": [{"to": [to]}],
        "from": sender,
        "subject": message.subject,
        "content": [
            {"type": "text/plain", "value": message.text},
            {"type": "text/html", "value": message.html},
        ],
        "categories": [message.category],
    }
    if message.headers:
        body["headers"] = dict(message.headers)
    if message.attachments:
        body["attachments"] = [
            {
                "content": base64.b64encode(a.data).decode(),
                "filename": a.filename,
                "type": a.content_type,
                "disposition": "attachment",
            }
            for a in message.attachments
        ]
    return body
