"""The SendGrid backend, with the real sendgrid client, against the fake SendGrid server."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest

from newsletter.delivery.errors import (
    DeliveryUncertain,
    InvalidBatch,
    PermanentError,
    RateLimited,
    TransientError,
)
from newsletter.delivery.limits import DUPLICATE_ADDRESS
from newsletter.delivery.sendgrid_backend import SendGridBackend
from tests.fakes.sendgrid import Failure, FakeSendGrid, require_spec
from tests.newsletter.delivery.conftest import NAME_H, NAME_T, UNSUB_H, make_batch, make_recipient

KEY = "SG.test-key-that-must-stay-secret"


def backend_for(fake: FakeSendGrid, timeout: float = 5.0) -> SendGridBackend:
    return SendGridBackend(KEY, host=fake.url, timeout=timeout)


async def test_thousand_recipients_go_out_in_one_request_with_their_own_links(
    fake_sendgrid: FakeSendGrid,
) -> None:
    batch = make_batch(1000)

    result = await backend_for(fake_sendgrid).send_batch(batch)

    assert len(fake_sendgrid.accepted) == 1 and not fake_sendgrid.rejected
    request = fake_sendgrid.accepted[0]
    assert result.message_id == request.message_id
    assert result.accepted == tuple(r.delivery_id for r in batch.recipients)
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    body = request.body
    assert body["categories"] == ["bulletin"]
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
    personalizations = body["personalizations"]
    assert [p["to"][0]["email"] for p in personalizations] == [r.email for r in batch.recipients], (
        "one personalization per recipient, in the batch's order"
    )
    last = personalizations[999]
    assert last["to"] == [{"email": "reader999@example.org", "name": "Reader 999"}]
    assert last["substitutions"][UNSUB_H] == "https://aive.example/unsubscribe/tok999"
    assert last["substitutions"][NAME_T] == "Reader 999"
    assert last["headers"] == {
        "List-Unsubscribe": "<https://aive.example/unsubscribe/tok999>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert last["custom_args"] == {
        "series": "global-monthly",
        "edition_id": "42",
        "delivery_id": "1999",
        "subscriber_id": "1499",
    }


async def test_names_are_escaped_for_html_only_and_missing_names_use_the_fallback(
    fake_sendgrid: FakeSendGrid,
) -> None:
    batch = make_batch([make_recipient(0, name="Tom & <Jerry>"), make_recipient(1, name="")])

    await backend_for(fake_sendgrid).send_batch(batch)

    first, second = (p["substitutions"] for p in fake_sendgrid.accepted[0].body["personalizations"])
    assert first[NAME_T] == "Tom & <Jerry>"
    assert first[NAME_H] == "Tom &amp; &lt;Jerry&gt;"
    assert second[NAME_T] == "reader"


async def test_more_than_a_thousand_recipients_is_refused_before_sending(
    fake_sendgrid: FakeSendGrid,
) -> None:
    with pytest.raises(InvalidBatch, match="1001 recipients"):
        await backend_for(fake_sendgrid).send_batch(make_batch(1001))

    assert not fake_sendgrid.accepted and not fake_sendgrid.rejected


async def test_a_repeated_address_is_sent_once_and_the_other_delivery_skipped(
    fake_sendgrid: FakeSendGrid,
) -> None:
    batch = make_batch(
        [
            make_recipient(0, email="Ana@Example.org"),
            make_recipient(1),
            make_recipient(2, email="ana@example.ORG"),
        ]
    )

    result = await backend_for(fake_sendgrid).send_batch(batch)

    sent = [p["to"][0]["email"] for p in fake_sendgrid.accepted[0].body["personalizations"]]
    assert sent == ["Ana@Example.org", "reader1@example.org"]
    assert result.accepted == (1000, 1001)
    assert [(s.delivery_id, s.reason) for s in result.skipped] == [(1002, DUPLICATE_ADDRESS)]


async def test_rate_limit_says_when_to_retry(fake_sendgrid: FakeSendGrid) -> None:
    fake_sendgrid.fail_next(Failure.RATE_LIMIT, reset_in=3)
    before = datetime.now(UTC)

    with pytest.raises(RateLimited) as caught:
        await backend_for(fake_sendgrid).send_batch(make_batch(2))

    assert caught.value.retry_after == 3
    assert caught.value.reset_at is not None
    assert timedelta(seconds=1) <= caught.value.reset_at - before <= timedelta(seconds=4)
    assert isinstance(caught.value, TransientError)
    # the next try goes through
    await backend_for(fake_sendgrid).send_batch(make_batch(2))
    assert len(fake_sendgrid.accepted) == 1


async def test_server_error_is_transient(fake_sendgrid: FakeSendGrid) -> None:
    fake_sendgrid.fail_next(Failure.SERVER_ERROR)

    with pytest.raises(TransientError, match="500") as caught:
        await backend_for(fake_sendgrid).send_batch(make_batch(2))

    assert not isinstance(caught.value, RateLimited)
    assert not fake_sendgrid.accepted


async def test_unreachable_server_is_transient() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = SendGridBackend(KEY, host=f"http://127.0.0.1:{port}", timeout=2)

    with pytest.raises(TransientError, match="unreachable"):
        await backend.send_batch(make_batch(1))


async def test_no_answer_after_sending_is_uncertain_not_transient(
    fake_sendgrid: FakeSendGrid,
) -> None:
    fake_sendgrid.fail_next(Failure.TIMEOUT, delay=5)
    started = time.perf_counter()

    with pytest.raises(DeliveryUncertain, match="timed out"):
        await backend_for(fake_sendgrid, timeout=0.3).send_batch(make_batch(2))

    assert time.perf_counter() - started < 3, "the client timeout bounds the wait"
    assert len(fake_sendgrid.accepted) == 1, "the server did take it: a retry would duplicate"


async def test_connection_dropped_after_sending_is_uncertain(fake_sendgrid: FakeSendGrid) -> None:
    fake_sendgrid.fail_next(Failure.DROP)

    with pytest.raises(DeliveryUncertain):
        await backend_for(fake_sendgrid).send_batch(make_batch(2))

    assert len(fake_sendgrid.accepted) == 1


async def test_refusal_carries_sendgrid_message_and_is_not_retried(
    fake_sendgrid: FakeSendGrid,
) -> None:
    message = "The from address does not match a verified Sender Identity."
    fake_sendgrid.fail_next(Failure.BAD_REQUEST, errors=[{"message": message, "field": "from"}])

    with pytest.raises(PermanentError) as caught:
        await backend_for(fake_sendgrid).send_batch(make_batch(2))

    assert str(caught.value) == f"SendGrid refused the batch (400): {message} (field from)"
    assert caught.value.status == 400
    assert len(fake_sendgrid.rejected) == 1


async def test_too_large_and_wrong_key_are_permanent() -> None:
    with FakeSendGrid.start_in_thread(require_spec(), api_key="SG.the-right-key") as fake:
        fake.fail_next(Failure.TOO_LARGE)
        with pytest.raises(PermanentError) as too_large:
            await backend_for(fake).send_batch(make_batch(1))
        with pytest.raises(PermanentError) as wrong_key:
            await backend_for(fake).send_batch(make_batch(1))

    assert too_large.value.status == 413
    assert wrong_key.value.status == 401
    assert "authorization grant is invalid" in str(wrong_key.value)


async def test_the_key_never_reaches_logs_or_errors(
    fake_sendgrid: FakeSendGrid, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    backend = backend_for(fake_sendgrid)
    await backend.send_batch(make_batch(3))
    fake_sendgrid.fail_next(Failure.BAD_REQUEST)
    fake_sendgrid.fail_next(Failure.RATE_LIMIT)
    errors: list[Exception] = []
    for _ in range(2):
        try:
            await backend.send_batch(make_batch(1))
        except (PermanentError, RateLimited) as exc:
            errors.append(exc)

    assert len(errors) == 2
    assert "python_http_client" in caplog.text, "the library's debug lines were captured"
    assert KEY not in caplog.text
    assert "reader1@example.org" not in caplog.text, "no request payload in the logs"
    assert all(KEY not in f"{e} {e!r}" for e in errors)
    assert KEY not in repr(backend)


def test_a_missing_key_is_refused_instead_of_sending_bearer_none() -> None:
    for key in ("", "  ", "None"):
        with pytest.raises(ValueError, match="API key"):
            SendGridBackend(key)


async def test_send_at_is_passed_on_up_to_72_hours_ahead(fake_sendgrid: FakeSendGrid) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    backend = backend_for(fake_sendgrid)

    await backend.send_batch(make_batch(1, send_at=soon))
    with pytest.raises(InvalidBatch, match="72 hours"):
        await backend.send_batch(make_batch(1, send_at=soon + timedelta(hours=72)))

    assert fake_sendgrid.accepted[0].body["send_at"] == int(soon.timestamp())
    assert len(fake_sendgrid.accepted) == 1 and not fake_sendgrid.rejected


async def test_a_placeholder_in_the_wrong_part_is_refused(fake_sendgrid: FakeSendGrid) -> None:
    with pytest.raises(InvalidBatch, match="text part"):
        await backend_for(fake_sendgrid).send_batch(make_batch(1, text=f"Hi {NAME_H}"))
    with pytest.raises(InvalidBatch, match="HTML part"):
        await backend_for(fake_sendgrid).send_batch(make_batch(1, html="<p>[[aive:nam:html]]</p>"))

    assert not fake_sendgrid.accepted


async def test_batches_can_be_sent_concurrently_through_one_client(
    fake_sendgrid: FakeSendGrid,
) -> None:
    backend = backend_for(fake_sendgrid)
    batches = [
        make_batch([make_recipient(i * 10 + j) for j in range(10)], edition_id=i) for i in range(5)
    ]

    results = await asyncio.gather(*(backend.send_batch(b) for b in batches))

    assert len({r.message_id for r in results}) == 5
    assert sorted(
        a.body["personalizations"][0]["custom_args"]["edition_id"] for a in fake_sendgrid.accepted
    ) == ["0", "1", "2", "3", "4"]


def test_without_retry_after_the_wait_comes_from_the_reset_time() -> None:
    from newsletter.delivery.sendgrid_backend import DEFAULT_RETRY_AFTER, _rate_limit

    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    reset = int(now.timestamp()) + 42

    assert _rate_limit({"X-RateLimit-Reset": str(reset)}, now) == (
        42.0,
        datetime.fromtimestamp(reset, UTC),
    )
    assert _rate_limit({"Retry-After": "soon"}, now) == (DEFAULT_RETRY_AFTER, None)
