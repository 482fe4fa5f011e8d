"""The delivery engine end to end: queue an edition, send it to the fake SendGrid, record."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import itertools
import random
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from newsletter.delivery.backend import BatchResult, OutgoingBatch
from newsletter.delivery.outbox_backend import OutboxBackend
from newsletter.delivery.recipients import recipient_urls
from newsletter.delivery.retry import RetryPolicy
from newsletter.delivery.sender import Sender, SenderConfig
from newsletter.delivery.sendgrid_backend import SendGridBackend
from storage.base import utcnow
from storage.bulletins import Edition, EditionStatus
from storage.bulletins_queries import QueueError, enqueue_edition
from storage.deliveries import Delivery, DeliveryState
from storage.deliveries_queries import edition_stats
from storage.engine import SessionFactory
from storage.subscribers import Subscriber, SubscriberStatus
from tests.fakes.sendgrid import Failure, FakeSendGrid
from tests.newsletter.delivery.world import add_subscribers, make_edition

FAST = SenderConfig(batch_size=1000, policy=RetryPolicy(max_attempts=3, base_delay=0.01))


class Links:
    public_url = "https://aive.example"

    def signing_key(self) -> str:
        return "test-signing-key"

    def __call__(self, subscriber: object) -> tuple[str, str]:
        return recipient_urls(self, subscriber)  # type: ignore[arg-type]


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def sender_for(
    sessions: SessionFactory, fake: FakeSendGrid, config: SenderConfig = FAST, **kw: object
) -> Sender:
    backend = SendGridBackend("SG.key", host=fake.url, timeout=kw.pop("timeout", 5.0))  # type: ignore[arg-type]
    return Sender(
        sessions,
        backend,
        Links(),
        "AIVE <bulletin@example.org>",
        config=config,
        rng=random.Random(1),
        **kw,  # type: ignore[arg-type]
    )


async def queue(sessions: SessionFactory, edition_id: int) -> int:
    async with sessions() as session:
        result = await enqueue_edition(session, edition_id, utcnow())
        await session.commit()
    return result.added


def sent_addresses(fake: FakeSendGrid) -> Counter[str]:
    return Counter(p["to"][0]["email"] for r in fake.accepted for p in r.body["personalizations"])


async def states(sessions: SessionFactory, edition_id: int) -> Counter[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(Delivery.state).where(Delivery.edition_id == edition_id)
        )
        return Counter(s.value for s in rows)


async def test_confirmed_subscribers_of_the_series_get_it_once_others_never(
    sessions: SessionFactory, fake_sendgrid: FakeSendGrid
) -> None:
    edition = await make_edition(sessions, networks=("spain", "portugal"))
    await add_subscribers(sessions, 1500, networks=("spain",))
    await add_subscribers(sessions, 5, start=9000, status=SubscriberStatus.pending)
    await add_subscribers(sessions, 5, start=9100, paused=True)
    await add_subscribers(sessions, 5, start=9200, networks=("brazil",))
    await add_subscribers(sessions, 5, start=9300, language="fr")
    assert await queue(sessions, edition) == 1500
    assert await queue(sessions, edition) == 0, "queueing again adds nobody"

    await sender_for(sessions, fake_sendgrid).send_edition(edition)

    sent = sent_addresses(fake_sendgrid)
    assert len(sent) == 1500 and set(sent.values()) == {1}
    assert all(a.startswith("reader") and int(a[6:].split("@")[0]) < 1500 for a in sent)
    assert [len(r.body["personalizations"]) for r in fake_sendgrid.accepted] == [1000, 500]
    first = fake_sendgrid.accepted[0].body["personalizations"][0]
    assert first["custom_args"]["edition_id"] == str(edition)
    assert first["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert first["headers"]["List-Unsubscribe"].startswith("<https://aive.example/unsubscribe/")
    assert fake_sendgrid.accepted[0].body["categories"] == ["bulletin"]
    async with sessions() as session:
        rows = (await session.scalars(select(Delivery))).all()
        assert {r.message_id for r in rows} == {r.message_id for r in fake_sendgrid.accepted}
        assert (await session.get(Edition, edition)).status == EditionStatus.sent  # type: ignore[union-attr]


async def test_unsubscribing_between_batches_stops_the_next_batch(
    sessions: SessionFactory, fake_sendgrid: FakeSendGrid
) -> None:
    edition = await make_edition(sessions)
    await add_subscribers(sessions, 2500)
    await queue(sessions, edition)
    sender = sender_for(sessions, fake_sendgrid)

    await sender.send_next(edition)  # first batch: readers 0..999
    async with sessions() as session:  # a one-click POST for a reader of the next batch
        await session.execute(
            update(Subscriber)
            .where(Subscriber.email_key.in_(["reader1500@example.org", "reader5@example.org"]))
            .values(status=SubscriberStatus.unsubscribed)
        )
        await session.commit()
    await sender.send_edition(edition)

    sent = sent_addresses(fake_sendgrid)
    assert "reader1500@example.org" not in sent
    assert sent["reader5@example.org"] == 1, "already sent before unsubscribing"
    assert len(sent) == 2499
    async with sessions() as session:
        stats = await edition_stats(session, edition, "sent")
    assert (stats.accepted, stats.skipped) == (2499, 1)


async def test_a_draft_edition_is_refused(sessions: SessionFactory) -> None:
    edition = await make_edition(sessions, status=EditionStatus.draft)
    with pytest.raises(QueueError, match="draft"):
        await queue(sessions, edition)


async def test_rate_limit_waits_then_succeeds(
    sessions: SessionFactory, fake_sendgrid: FakeSendGrid
) -> None:
    edition = await make_edition(sessions)
    await add_subscribers(sessions, 10)
    await queue(sessions, edition)
    fake_sendgrid.fail_next(Failure.RATE_LIMIT, times=2, reset_in=7)
    sleeps = Sleeps()

    await sender_for(sessions, fake_sendgrid, sleep=sleeps).send_edition(edition)

    assert sleeps.calls == [7.0, 7.0], "waits what Retry-After says"
    assert len(fake_sendgrid.accepted) == 1 and len(sent_addresses(fake_sendgrid)) == 10
    assert await states(sessions, edition) == {"accepted": 10}


async def test_server_errors_back_off_then_fail_and_resume_on_send_again(
    sessions: SessionFactory, fake_sendgrid: FakeSendGrid
) -> None:
    edition = await make_edition(sessions)
    await add_subscribers(sessions, 10)
    await queue(sessions, edition)
    fake_sendgrid.fail_next(Failure.SERVER_ERROR, times=3)
    sleeps = Sleeps()

    await sender_for(sessions, fake_sendgrid, sleep=sleeps).send_edition(edition)

    assert len(fake_sendgrid.rejected) == 3 and not fake_sendgrid.accepted, "bounded tries"
    assert len(sleeps.calls) == 2 and sleeps.calls[1] > sleeps.calls[0] / 2
    assert await states(sessions, edition) == {"failed": 10}
    async with sessions() as session:
        stats = await edition_stats(session, edition, "sending")
    assert stats.failed == 10 and "500" in next(iter(stats.errors))

    await queue(sessions, edition)  # `aive bulletin send` again
    await sender_for(sessions, fake_sendgrid).send_edition(edition)
    assert await states(sessions, edition) == {"accepted": 10}
    assert len(sent_addresses(fake_sendgrid)) == 10


async def test_bad_request_fails_at_once_with_sendgrids_message(
    sessions: SessionFactory, fake_sendgrid: FakeSendGrid
) -> None:
    edition = await make_edition(sessions)
    await add_subscribers(sessions, 10)
    await queue(sessions, edition)
    fake_sendgrid.fail_next(
        Failure.BAD_REQUEST,
        errors=[{"message": "The from address does not match", "field": "from"}],
    )

    await sender_for(sessions, fake_sendgrid).send_edition(edition)

    assert len(fake_sendgrid.rejected) == 1, "one request only, no retry storm"
    async with sessions() as session:
        stats = await edition_stats(session, edition, "sending")
    assert stats.failed == 10
    assert any("The from address does not match" in line for line in stats.errors)


@pytest.mark.parametrize("failure", [Failure.TIMEOUT, Failure.DROP])
async def test_lost_answer_makes_the_batch_uncertain_and_it_is_resent(
    sessions: SessionFactory, fake_sendgrid: FakeSendGrid, failure: Failure
) -> None:
    edition = await make_edition(sessions)
    await add_subscribers(sessions, 10)
    await queue(sessions, edition)
    fake_sendgrid.fail_next(failure, delay=3.0)

    await sender_for(sessions, fake_sendgrid, timeout=0.5).send_edition(edition)

    assert len(fake_sendgrid.accepted) == 2, "taken once without answer, then resent"
    assert set(sent_addresses(fake_sendgrid).values()) == {2}
    async with sessions() as session:
        rows = (await session.scalars(select(Delivery))).all()
    assert {r.state for r in rows} == {DeliveryState.accepted}
    assert all(r.uncertain_at is not None for r in rows), "the duplicate window is recorded"


async def test_rows_left_sending_by_a_dead_sender_are_resent(
    sessions: SessionFactory, fake_sendgrid: FakeSendGrid
) -> None:
    edition = await make_edition(sessions)
    await add_subscribers(sessions, 30)
    await queue(sessions, edition)
    async with sessions() as session:  # a sender that claimed ten rows and died
        await session.execute(
            update(Delivery)
            .where(Delivery.id <= 10)
            .values(state=DeliveryState.sending, worker_id="gone-host:1:x", lease_until=utcnow())
        )
        await session.commit()

    await sender_for(
        sessions, fake_sendgrid, alive=lambda w: not w.startswith("gone")
    ).send_edition(edition)

    assert len(sent_addresses(fake_sendgrid)) == 30
    async with sessions() as session:
        rows = (await session.scalars(select(Delivery).order_by(Delivery.id))).all()
    assert {r.state for r in rows} == {DeliveryState.accepted}
    assert [r.id for r in rows if r.uncertain_at] == list(range(1, 11))


async def test_without_a_key_the_outbox_holds_readable_messages(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    edition = await make_edition(sessions)
    await add_subscribers(sessions, 3)
    await queue(sessions, edition)
    sender = Sender(sessions, OutboxBackend(tmp_path), Links(), "AIVE <bulletin@example.org>")

    await sender.send_edition(edition)

    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 3
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["List-Unsubscribe"].startswith("<https://aive.example/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["To"] == "Reader 0 <reader0@example.org>"
    body = message.get_body(("plain",))
    assert body is not None and "Hello Reader 0" in body.get_content()


async def test_two_workers_share_one_edition_without_duplicates(
    sessions: SessionFactory, fake_sendgrid: FakeSendGrid
) -> None:
    edition = await make_edition(sessions)
    await add_subscribers(sessions, 4000)
    await queue(sessions, edition)
    small = SenderConfig(batch_size=250, policy=FAST.policy)
    first, second = (
        sender_for(sessions, fake_sendgrid, small),
        sender_for(sessions, fake_sendgrid, small),
    )

    reports = await asyncio.gather(first.send_edition(edition), second.send_edition(edition))

    sent = sent_addresses(fake_sendgrid)
    assert len(sent) == 4000 and set(sent.values()) == {1}
    assert all(sum(r.accepted for r in rs) > 0 for rs in reports), "both took a share"
    assert await states(sessions, edition) == {"accepted": 4000}


async def test_the_worker_sends_a_scheduled_edition_when_its_time_comes(
    engine: object, sessions: SessionFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from app.context import AppContext
    from app.delivery import drain_deliveries
    from app.settings import load_settings

    edition = await make_edition(sessions)
    await add_subscribers(sessions, 3)
    async with sessions() as session:
        row = await session.get(Edition, edition)
        assert row is not None
        row.status = EditionStatus.scheduled
        row.send_at = utcnow() + timedelta(hours=1)
        await session.commit()
    monkeypatch.setenv("AIVE_OUTBOX_DIR", str(tmp_path))
    monkeypatch.delenv("AIVE_SENDGRID_API_KEY", raising=False)
    ctx = AppContext(load_settings(), engine, sessions)  # type: ignore[arg-type]

    assert await drain_deliveries(ctx) == 0, "not before its time"
    assert not list(tmp_path.glob("*.eml"))
    async with sessions() as session:
        await session.execute(update(Edition).where(Edition.id == edition).values(send_at=utcnow()))
        await session.commit()
    assert await drain_deliveries(ctx) == 3
    assert len(list(tmp_path.glob("*.eml"))) == 3
    await drain_deliveries(ctx)  # the worker's next pass finds nothing left and closes it
    async with sessions() as session:
        assert (await session.get(Edition, edition)).status == EditionStatus.sent  # type: ignore[union-attr]


class WatchingBackend:
    """Takes every batch, and while one is "in flight" looks at the queue from outside."""

    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions
        self.events: list[tuple[str, int]] = []  # ("prepare" | "send" | "answer", first id)
        self.sending_seen: list[tuple[int, int]] = []  # (rows sending, rows in the batch)
        self._prepared = asyncio.Event()

    def prepare(self, batch: OutgoingBatch) -> None:
        self.events.append(("prepare", batch.recipients[0].delivery_id))
        self._prepared.set()

    async def send_batch(self, batch: OutgoingBatch) -> BatchResult:
        self.events.append(("send", batch.recipients[0].delivery_id))
        self._prepared.clear()
        async with self.sessions() as session:
            queued = await session.scalar(
                select(func.count()).where(Delivery.state == DeliveryState.queued)
            )
        if queued:  # let the sender get the next batch ready, as a slow provider would
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._prepared.wait(), 5)
        async with self.sessions() as session:
            sending = await session.scalar(
                select(func.count()).where(Delivery.state == DeliveryState.sending)
            )
        self.sending_seen.append((sending or 0, len(batch.recipients)))
        self.events.append(("answer", batch.recipients[0].delivery_id))
        return BatchResult("msg", tuple(r.delivery_id for r in batch.recipients))

    async def close(self) -> None:
        pass


async def test_the_next_batch_is_made_ready_in_flight_but_only_one_batch_is_ever_sending(
    sessions: SessionFactory,
) -> None:
    edition = await make_edition(sessions)
    await add_subscribers(sessions, 3500)
    await queue(sessions, edition)
    backend = WatchingBackend(sessions)
    sender = Sender(sessions, backend, Links(), "AIVE <bulletin@example.org>", config=FAST)

    reports = await sender.send_edition(edition)

    assert sum(r.accepted for r in reports) == 3500
    assert backend.sending_seen == [(1000, 1000)] * 3 + [(500, 500)], (
        "while a request is out, the rows of that batch alone are committed sending"
    )
    sends = [first for what, first in backend.events if what == "send"]
    for current, following in itertools.pairwise(sends):
        assert backend.events.index(("prepare", following)) < backend.events.index(
            ("answer", current)
        ), "the next batch was built while the previous one was in flight"
    assert await states(sessions, edition) == Counter({"accepted": 3500})


async def test_an_edition_none_of_whose_deliveries_went_out_is_not_marked_sent(
    sessions: SessionFactory, fake_sendgrid: FakeSendGrid
) -> None:
    edition = await make_edition(sessions)
    await add_subscribers(sessions, 10)
    await queue(sessions, edition)
    fake_sendgrid.fail_next(Failure.BAD_REQUEST, errors=[{"message": "bad", "field": None}])

    await sender_for(sessions, fake_sendgrid).send_edition(edition)

    assert await states(sessions, edition) == {"failed": 10}
    async with sessions() as session:
        row = await session.get(Edition, edition)
        assert row is not None
        assert row.status == EditionStatus.approved, "ready for `aive bulletin send` again"
        assert row.sent_at is None

    await queue(sessions, edition)
    await sender_for(sessions, fake_sendgrid).send_edition(edition)
    async with sessions() as session:
        assert (await session.get(Edition, edition)).status == EditionStatus.sent  # type: ignore[union-attr]
