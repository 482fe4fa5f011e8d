"""Who receives bulletins is defined once (`Subscriber.receives_bulletins`): the delivery
queue, the claim of a batch, the campaign's email audience and the counts all agree on it."""

from __future__ import annotations

from sqlalchemy import insert, select

from campaigns.audience import email_readers
from storage.base import utcnow
from storage.bulletins_queries import enqueue_edition
from storage.deliveries import Delivery, DeliveryState
from storage.deliveries_queries import select_batch
from storage.engine import SessionFactory
from storage.subscribers import Subscriber, SubscriberStatus
from storage.subscribers_queries import bulletin_readers, count_bulletin_readers
from tests.newsletter.delivery.world import add_subscribers, make_edition

NETWORKS = ("spain", "portugal")


async def _world(sessions: SessionFactory) -> dict[str, set[int]]:
    """Two readers of the edition, and one subscriber left out for each reason."""
    await add_subscribers(sessions, 2, prefix="reader")
    await add_subscribers(sessions, 1, prefix="pending", status=SubscriberStatus.pending)
    await add_subscribers(sessions, 1, prefix="left", status=SubscriberStatus.unsubscribed)
    await add_subscribers(sessions, 1, prefix="bounced", status=SubscriberStatus.bounced)
    await add_subscribers(sessions, 1, prefix="complained", status=SubscriberStatus.complained)
    await add_subscribers(sessions, 1, prefix="paused", paused=True)
    await add_subscribers(sessions, 1, prefix="france", networks=("france",))
    await add_subscribers(sessions, 1, prefix="spanish", language="es")
    async with sessions() as session:
        rows = (await session.execute(select(Subscriber.id, Subscriber.email))).all()
    groups: dict[str, set[int]] = {}
    for id_, email in rows:
        groups.setdefault(email.removesuffix("@example.org").rstrip("0123456789"), set()).add(id_)
    return groups


async def test_unconfirmed_unsubscribed_suppressed_and_paused_subscribers_get_no_bulletin(
    sessions: SessionFactory,
) -> None:
    groups = await _world(sessions)
    edition = await make_edition(sessions, networks=NETWORKS)
    receive = groups["reader"] | groups["france"] | groups["spanish"]  # every network, language
    of_edition = groups["reader"]  # English, a network of the series
    async with sessions() as session:
        everyone = list(await session.scalars(select(Subscriber)))
        in_python = {s.id for s in everyone if s.receives_bulletins}
        await enqueue_edition(session, edition, utcnow())
        await session.commit()
        queued = set(await session.scalars(select(Delivery.subscriber_id)))
        campaign = {r.subscriber_id for r in await email_readers(session)}
        listed = {i for i, _e, _l in await bulletin_readers(session)}
        counted = await count_bulletin_readers(session)
        counted_for_edition = await count_bulletin_readers(
            session, language="en", networks=NETWORKS
        )
    assert in_python == campaign == listed == receive
    assert counted == len(receive)
    assert queued == of_edition
    assert counted_for_edition == len(of_edition)


async def test_a_batch_skips_whoever_stopped_receiving_after_the_edition_was_queued(
    sessions: SessionFactory,
) -> None:
    groups = await _world(sessions)
    edition = await make_edition(sessions, networks=NETWORKS)
    async with sessions() as session:
        rows = [
            {
                "edition_id": edition,
                "subscriber_id": subscriber,
                "email": f"{subscriber}@example.org",
                "state": DeliveryState.queued,
                "attempts": 0,
                "updated_at": utcnow(),
            }
            for ids in groups.values()
            for subscriber in ids
        ]
        await session.execute(insert(Delivery), rows)
        await session.commit()
        candidates = await select_batch(session, edition, size=100)
        assert candidates is not None
        pairs = (await session.execute(select(Delivery.id, Delivery.subscriber_id))).all()
        ids = {delivery: subscriber for delivery, subscriber in pairs}
    wanted = {r.subscriber_id for r in candidates.wanted}
    skipped = {ids[d] for d in candidates.gone}
    # the language and networks were decided when queueing; the claim re-checks the rest
    assert wanted == groups["reader"] | groups["france"] | groups["spanish"]
    left = ("pending", "left", "bounced", "complained", "paused")
    assert skipped == set().union(*(groups[g] for g in left))
