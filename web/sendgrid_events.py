"""`/webhooks/sendgrid`: the signed SendGrid Event Webhook.

Each request must carry a valid ECDSA (P-256, SHA-256) signature over timestamp + raw body in
`X-Twilio-Email-Event-Webhook-Signature` / `-Timestamp`, made with the key whose public half is
`AIVE_SENDGRID_WEBHOOK_PUBLIC_KEY`, and a timestamp within 10 minutes of now; otherwise 403.
Without a public key the route answers 404. The app must hold an `AppContext` under
`app.web.CONTEXT`-style key given to `setup_sendgrid_webhook`.
"""

from __future__ import annotations

import binascii
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from sendgrid.helpers.eventwebhook import EventWebhook
from sendgrid.helpers.eventwebhook.eventwebhook_header import EventWebhookHeader

from newsletter.delivery.events import EventError, parse_events, record_events
from storage.base import utcnow
from storage.engine import SessionFactory

log = logging.getLogger(__name__)
PATH = "/webhooks/sendgrid"
MAX_SKEW_SECONDS = 600
SIGNATURE = EventWebhookHeader.SIGNATURE
TIMESTAMP = EventWebhookHeader.TIMESTAMP
# ASCII digits only: str.isdigit() also takes "²", which int() refuses
TIMESTAMP_FORMAT = re.compile(r"[0-9]{1,12}")


def verified(
    verifier: EventWebhook, body: bytes, signature: str, timestamp: str, now: float
) -> bool:
    """True when `signature` signs timestamp + body and the timestamp is fresh (pure)."""
    if not signature or not TIMESTAMP_FORMAT.fullmatch(timestamp):
        return False
    if abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        return False
    try:
        return bool(verifier.verify_signature(body.decode("utf-8"), signature, timestamp))
    except (UnicodeDecodeError, binascii.Error, ValueError):
        return False


def sendgrid_handler(
    public_key: str | None,
    sessions: Callable[[web.Request], SessionFactory],
    clock: Callable[[], float] = time.time,
) -> Callable[[web.Request], Any]:
    verifier = EventWebhook(public_key.strip()) if public_key else None

    async def handle(request: web.Request) -> web.Response:
        if verifier is None:
            raise web.HTTPNotFound()
        body = await request.read()
        signature = request.headers.get(SIGNATURE, "")
        timestamp = request.headers.get(TIMESTAMP, "")
        if not verified(verifier, body, signature, timestamp, clock()):
            log.warning("sendgrid webhook: refused an unsigned, forged or stale request")
            raise web.HTTPForbidden(text="invalid or stale signature")
        try:
            events = parse_events(json.loads(body))
        except (ValueError, EventError) as exc:
            raise web.HTTPBadRequest(text=str(exc)[:200]) from None
        async with sessions(request)() as session:
            new = await record_events(session, events, utcnow())
            await session.commit()
        return web.json_response({"received": len(events), "new": new})

    return handle


def setup_sendgrid_webhook(
    app: web.Application,
    public_key: str | None,
    sessions: Callable[[web.Request], SessionFactory],
) -> None:
    """Add `POST /webhooks/sendgrid`. `sessions(request)` gives the session factory, e.g.
    `lambda r: r.app[CONTEXT].sessions`."""
    app.router.add_post(PATH, sendgrid_handler(public_key, sessions))
