"""The signed SendGrid Event Webhook: only genuine, fresh requests change anything."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from sqlalchemy.event import listen, remove

from storage.deliveries import DeliveryEvent
from storage.delivery_stats import edition_stats
from storage.engine import SessionFactory
from storage.subscribers import Subscriber
from tests.newsletter.delivery.world import add_subscribers
from web.sendgrid_events import PATH, SIGNATURE, TIMESTAMP, setup_sendgrid_webhook

KEY = ec.generate_private_key(ec.SECP256R1())
PUBLIC = base64.b64encode(
    KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
).decode()


def signed(body: bytes, timestamp: int | None = None, key: Any = KEY) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = key.sign(stamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return {SIGNATURE: base64.b64encode(signature).decode(), TIMESTAMP: stamp}


Client = Callable[[str | None], Any]


@pytest.fixture
async def client(sessions: SessionFactory) -> AsyncIterator[Client]:
    made: list[TestClient[Any, Any]] = []

    async def make(public_key: str | None = PUBLIC) -> TestClient[Any, Any]:
        app = web.Application()
        setup_sendgrid_webhook(app, public_key, lambda _r: sessions)
        test_client = TestClient(TestServer(app))
        await test_client.start_server()
        made.append(test_client)
        return test_client

    yield make
    for c in made:
        await c.close()


def event(kind: str, subscriber: int, n: int, **extra: Any) -> dict[str, Any]:
    return {
        "email": f"reader{subscriber - 1}@example.org",
        "timestamp": int(time.time()),
        "event": kind,
        "sg_event_id": f"ev-{n}",
        "sg_message_id": "msg.filter0001",
        "edition_id": "7",
        "subscriber_id": str(subscriber),
        **extra,
    }


async def statuses(sessions: SessionFactory) -> dict[int, tuple[str, str | None]]:
    async with sessions() as session:
        rows = (await session.scalars(select(Subscriber).order_by(Subscriber.id))).all()
    return {s.id: (s.status.value, s.status_reason) for s in rows}


async def test_without_a_public_key_the_route_is_not_found(client: Client) -> None:
    c = await client(None)
    body = b"[]"
    assert (await c.post(PATH, data=body, headers=signed(body))).status == 404


async def test_unsigned_forged_and_stale_requests_are_refused(
    client: Client, sessions: SessionFactory
) -> None:
    await add_subscribers(sessions, 1)
    c = await client(PUBLIC)
    body = json.dumps([event("bounce", 1, 1, type="bounce", reason="550 no such user")]).encode()
    other_key = ec.generate_private_key(ec.SECP256R1())
    tampered = body.replace(b"550", b"551")

    assert (await c.post(PATH, data=body)).status == 403
    assert (await c.post(PATH, data=body, headers=signed(body, key=other_key))).status == 403
    assert (await c.post(PATH, data=tampered, headers=signed(body))).status == 403
    stale = signed(body, int(time.time()) - 11 * 60)
    assert (await c.post(PATH, data=body, headers=stale)).status == 403
    garbage = {SIGNATURE: "not base64!!", TIMESTAMP: str(int(time.time()))}
    assert (await c.post(PATH, data=body, headers=garbage)).status == 403
    assert (await statuses(sessions))[1] == ("confirmed", None)


async def test_signed_events_suppress_with_reason_and_count_once(
    client: Client, sessions: SessionFactory
) -> None:
    await add_subscribers(sessions, 6)
    c = await client(PUBLIC)
    events = [
        event("delivered", 1, 1),
        event("open", 1, 2),
        event("open", 1, 3),
        event("click", 1, 4, url="https://edcities.org"),
        event("bounce", 2, 5, type="bounce", reason="550 5.1.1 no such user"),
        event("spamreport", 3, 6),
        event("unsubscribe", 4, 7),
        event("dropped", 5, 8, reason="Bounced Address"),
        event("bounce", 6, 9, type="blocked", reason="421 try later"),
    ]
    body = json.dumps(events).encode()

    first = await c.post(PATH, data=body, headers=signed(body))
    again = await c.post(PATH, data=body, headers=signed(body))

    assert first.status == 200 and (await first.json())["new"] == 9
    assert again.status == 200 and (await again.json())["new"] == 0, "deduplicated on sg_event_id"
    found = await statuses(sessions)
    assert found[1] == ("confirmed", None)
    assert found[2] == ("bounced", "bounce: 550 5.1.1 no such user")
    assert found[3][0] == "complained"
    assert found[4][0] == "unsubscribed"
    assert found[5] == ("bounced", "Bounced Address")
    assert found[6] == ("confirmed", None), "a blocked bounce is temporary"
    async with sessions() as session:
        assert len((await session.scalars(select(DeliveryEvent))).all()) == 9
        stats = await edition_stats(session, 7, "sent")
    assert (stats.delivered, stats.opened, stats.clicked) == (1, 1, 1)
    assert (stats.bounced, stats.complained, stats.unsubscribed) == (3, 1, 1)


async def test_a_signed_body_that_is_not_events_is_a_bad_request(client: Client) -> None:
    c = await client(PUBLIC)
    body = b'{"event": "open"}'
    assert (await c.post(PATH, data=body, headers=signed(body))).status == 400


async def test_ids_and_timestamps_no_database_can_hold_are_ignored_not_a_500(
    client: Client, sessions: SessionFactory
) -> None:
    await add_subscribers(sessions, 1)
    c = await client(PUBLIC)
    huge = "-" + "9" * 30
    events = [
        event("open", 1, 1, edition_id=huge, subscriber_id=huge, delivery_id=2**63),
        event("bounce", 1, 2, edition_id=huge, subscriber_id="+" + "9" * 25, timestamp="9" * 40),
    ]
    body = json.dumps(events).encode()

    response = await c.post(PATH, data=body, headers=signed(body))

    assert response.status == 200 and (await response.json())["new"] == 2
    async with sessions() as session:
        stored = (await session.scalars(select(DeliveryEvent))).all()
    assert {(e.edition_id, e.subscriber_id, e.delivery_id) for e in stored} == {(None, None, None)}
    assert (await statuses(sessions))[1][0] == "bounced", "still found by its address"


async def test_a_large_batch_is_stored_in_a_few_statements_and_suppresses_every_bounce(
    client: Client, sessions: SessionFactory
) -> None:
    await add_subscribers(sessions, 1200)
    c = await client(PUBLIC)
    events = [event("open", n % 1200 + 1, n) for n in range(2500)]
    events += [event("bounce", n + 1, 10_000 + n, reason="550 gone") for n in range(1100)]
    events.append(events[0])  # SendGrid repeats events, even within a batch
    body = json.dumps(events).encode()
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    async with sessions() as session:
        engine = session.get_bind().engine  # type: ignore[union-attr]
    listen(engine, "before_cursor_execute", count)
    try:
        response = await c.post(PATH, data=body, headers=signed(body))
    finally:
        remove(engine, "before_cursor_execute", count)

    assert response.status == 200 and (await response.json())["new"] == 3600
    assert len(statements) < 60, f"{len(statements)} statements for 3,601 events"
    found = await statuses(sessions)
    assert sum(status == "bounced" for status, _ in found.values()) == 1100
    assert found[1100] == ("bounced", "550 gone") and found[1101] == ("confirmed", None)
