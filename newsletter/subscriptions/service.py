"""Subscriber state changes (subscribe, confirm, preferences, unsubscribe, staff add).

Each change records an audit event in the same session; the caller commits. Sending the
confirmation email is the caller's job, after the commit (see `web` and the CLI).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.errors import NewsletterError
from newsletter.subscriptions import gdpr
from newsletter.subscriptions.addresses import address_key
from newsletter.subscriptions.tokens import TokenClaim
from storage import audit_queries, networks_queries, subscribers_queries
from storage.audit import record, record_many
from storage.subscribers import Subscriber, SubscriberStatus
from storage.subscribers_queries import forget_erased_hash

RESEND_INTERVAL = timedelta(hours=1)
DEFAULT_NETWORK = "global"
WEB_CONSENT = "web form, double opt-in"
# statuses from which a new double opt-in starts over
_GONE = (SubscriberStatus.unsubscribed, SubscriberStatus.bounced, SubscriberStatus.complained)


class SubscriptionError(NewsletterError, ValueError):
    """A staff request cannot be done as given (one line, English)."""


BULK_CHUNK = 1000  # addresses per lookup: well under the databases' parameter limits


def subject_of(subscriber: Subscriber) -> str:
    return f"subscriber:{subscriber.id}"


async def network_names(session: AsyncSession, lang: str) -> list[tuple[str, str]]:
    """(slug, name in `lang`) of every network, `global` first then by name."""
    networks = await networks_queries.networks(session)
    pairs = [(n.slug, n.name(lang)) for n in networks]
    return sorted(pairs, key=lambda p: (p[0] != DEFAULT_NETWORK, p[1].casefold()))


async def known_network_slugs(session: AsyncSession) -> set[str]:
    return await networks_queries.network_slugs(session)


def _networks_or_default(networks: Sequence[str], known: set[str]) -> list[str]:
    chosen = list(dict.fromkeys(networks))
    if not chosen and DEFAULT_NETWORK in known:
        chosen = [DEFAULT_NETWORK]
    return chosen


async def find_by_address(session: AsyncSession, email: str) -> Subscriber | None:
    return await subscribers_queries.subscriber_by_key(session, address_key(email))


async def find_by_claim(session: AsyncSession, claim: TokenClaim) -> Subscriber | None:
    """The subscriber a token names, if the address is still the one it was made for."""
    subscriber = await session.get(Subscriber, claim.subscriber_id)
    if subscriber is None or not claim.matches(subscriber):
        return None
    return subscriber


@dataclass(frozen=True)
class SubscribeResult:
    subscriber: Subscriber
    send_confirmation: bool


async def _last_confirmation_sent(session: AsyncSession, subscriber: Subscriber) -> datetime | None:
    return await audit_queries.last_at(
        session, "subscribers.confirmation_sent", subject_of(subscriber)
    )


async def request_subscription(
    session: AsyncSession,
    email: str,
    name: str | None,
    language: str,
    networks: Sequence[str],
    now: datetime,
    actor: str = "web",
    consent_source: str = WEB_CONSENT,
) -> SubscribeResult:
    """Someone asks to subscribe `email` (already validated). The answer never depends on
    whether the address was known; only whether a confirmation email goes out does:
    new or gone → pending and sent; pending → re-sent at most once an hour; confirmed → nothing.
    """
    known = await known_network_slugs(session)
    chosen = _networks_or_default(networks, known)
    subscriber = await find_by_address(session, email)
    if subscriber is None:
        subscriber = Subscriber(email=email, status=SubscriberStatus.pending)
        session.add(subscriber)
        action = "subscribers.subscribed"
    elif subscriber.status is SubscriberStatus.confirmed:
        return SubscribeResult(subscriber, send_confirmation=False)
    elif subscriber.status is SubscriberStatus.pending:
        last = await _last_confirmation_sent(session, subscriber)
        if last is not None and now - last < RESEND_INTERVAL:
            return SubscribeResult(subscriber, send_confirmation=False)
        action = "subscribers.subscription_requested_again"
    else:
        action = "subscribers.resubscribed"
    previous = subscriber.status.value if subscriber.id else None
    subscriber.status = SubscriberStatus.pending
    subscriber.status_reason = None
    subscriber.name = name or subscriber.name
    subscriber.language = language
    subscriber.networks = chosen
    subscriber.paused = False
    subscriber.consent_source = consent_source
    subscriber.consented_at = None
    subscriber.confirmed_at = None
    await session.flush()
    record(
        session,
        actor,
        action,
        subject_of(subscriber),
        email=subscriber.email,
        previous_status=previous,
        language=language,
        networks=chosen,
    )
    return SubscribeResult(subscriber, send_confirmation=True)


def confirmation_sent(
    session: AsyncSession, subscriber: Subscriber, actor: str, now: datetime
) -> None:
    """Note that a confirmation email went out (this also paces re-sends)."""
    event = record(session, actor, "subscribers.confirmation_sent", subject_of(subscriber))
    event.at = now


class ConfirmOutcome(enum.StrEnum):
    confirmed = "confirmed"
    already = "already"
    not_pending = "not_pending"


async def confirm(
    session: AsyncSession, subscriber: Subscriber, now: datetime, actor: str = "web"
) -> ConfirmOutcome:
    """The subscriber clicked the confirm link: pending → confirmed. An old link clicked after
    unsubscribing does not bring anyone back."""
    if subscriber.status is SubscriberStatus.confirmed:
        return ConfirmOutcome.already
    if subscriber.status is not SubscriberStatus.pending:
        return ConfirmOutcome.not_pending
    subscriber.status = SubscriberStatus.confirmed
    subscriber.confirmed_at = now
    subscriber.consented_at = now
    # their own new consent: an earlier erasure no longer keeps them out of imports
    await forget_erased_hash(session, gdpr.address_hash(subscriber.email))
    record(session, actor, "subscribers.confirmed", subject_of(subscriber))
    return ConfirmOutcome.confirmed


async def unsubscribe(
    session: AsyncSession, subscriber: Subscriber, how: str, now: datetime, actor: str = "web"
) -> bool:
    """Stop every email to the subscriber at once; False when there was nothing to stop."""
    if subscriber.status not in (SubscriberStatus.pending, SubscriberStatus.confirmed):
        return False
    previous = subscriber.status.value
    subscriber.status = SubscriberStatus.unsubscribed
    subscriber.status_reason = how
    subscriber.updated_at = now
    record(
        session,
        actor,
        "subscribers.unsubscribed",
        subject_of(subscriber),
        how=how,
        previous_status=previous,
    )
    return True


async def change_preferences(
    session: AsyncSession,
    subscriber: Subscriber,
    language: str,
    networks: Sequence[str],
    paused: bool,
    actor: str = "web",
) -> dict[str, list[object]]:
    """Apply the preferences form; returns {field: [before, after]} of what changed."""
    known = await known_network_slugs(session)
    unknown = [n for n in networks if n not in known]
    if unknown:
        raise SubscriptionError(f"unknown network {', '.join(unknown)}")
    wanted: dict[str, object] = {
        "language": language,
        "networks": _networks_or_default(networks, known),
        "paused": paused,
    }
    changes: dict[str, list[object]] = {}
    for field_name, value in wanted.items():
        before = getattr(subscriber, field_name)
        if before != value:
            changes[field_name] = [before, value]
            setattr(subscriber, field_name, value)
    if changes:
        action = "subscribers.preferences_changed"
        if "paused" in changes:
            action = "subscribers.paused" if paused else "subscribers.resumed"
        record(session, actor, action, subject_of(subscriber), changes=changes)
    return changes


async def add_subscriber(
    session: AsyncSession,
    email: str,
    *,
    name: str | None,
    language: str,
    networks: Sequence[str],
    confirmed: bool,
    consent_source: str | None,
    consented_at: datetime | None,
    now: datetime,
    actor: str = "cli",
) -> Subscriber:
    """Staff adds one address (already validated). Confirmed ones need a consent source; an
    address already known is refused, so nobody who left is brought back by a list."""
    existing = await find_by_address(session, email)
    if existing is not None:
        raise SubscriptionError(f"already in the list ({existing.status.value}); left unchanged")
    erased = await gdpr.erased_addresses(session, [email])
    if erased:
        raise SubscriptionError(gdpr.erased_refusal(next(iter(erased.values()))))
    if confirmed and not consent_source:
        raise SubscriptionError("--confirmed needs a consent source")
    known = await known_network_slugs(session)
    unknown = [n for n in networks if n not in known]
    if unknown:
        raise SubscriptionError(
            f"unknown network {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    subscriber = Subscriber(
        email=email,
        name=name,
        language=language,
        networks=_networks_or_default(networks, known),
        status=SubscriberStatus.confirmed if confirmed else SubscriberStatus.pending,
        consent_source=consent_source,
        consented_at=(consented_at or now) if confirmed else None,
        confirmed_at=now if confirmed else None,
    )
    session.add(subscriber)
    await session.flush()
    record(
        session,
        actor,
        "subscribers.added",
        subject_of(subscriber),
        email=subscriber.email,
        status=subscriber.status.value,
        consent_source=consent_source,
    )
    return subscriber


@dataclass(frozen=True, slots=True)
class NewSubscriber:
    """One address to add (already validated), with what an import row says of it."""

    email: str
    name: str | None
    language: str
    networks: Sequence[str]
    consent_source: str | None
    consented_at: datetime | None


async def add_subscribers(
    session: AsyncSession,
    people: Sequence[NewSubscriber],
    *,
    confirmed: bool,
    now: datetime,
    actor: str = "cli",
) -> list[int | str]:
    """`add_subscriber` for many at once (an import of 100,000 rows): a few statements per
    thousand addresses, not several per address. Returns, for each of `people` in order, the new
    subscriber's id or why it was refused (an address already known is left unchanged)."""
    known = await known_network_slugs(session)
    keys = [address_key(p.email) for p in people]
    status_of = await subscribers_queries.statuses_by_key(session, keys, chunk=BULK_CHUNK)
    erased = await gdpr.erased_addresses(session, [p.email for p in people])
    outcome: list[int | str] = []
    values: list[dict[str, object]] = []
    for person, key in zip(people, keys, strict=True):
        refusal = _refusal(person, status_of.get(key), erased.get(key), confirmed, known)
        if refusal is not None:
            outcome.append(refusal)
            continue
        outcome.append(len(values))
        status_of[key] = SubscriberStatus.confirmed if confirmed else SubscriberStatus.pending
        values.append(_new_row(person, status_of[key], known, confirmed=confirmed, now=now))
    ids: list[int] = []
    if values:
        id_of = await subscribers_queries.insert_subscribers(session, values, chunk=BULK_CHUNK)
        new_keys = [str(v["email_key"]) for v in values]
        ids = [id_of[key] for key in new_keys]
    await _record_added(session, actor, ids, values)
    return [ids[o] if isinstance(o, int) else o for o in outcome]


def _refusal(
    person: NewSubscriber,
    status: SubscriberStatus | None,
    erased_at: datetime | None,
    confirmed: bool,
    known: set[str],
) -> str | None:
    """Why `person` cannot be added (None: they can)."""
    unknown = [n for n in person.networks if n not in known]
    if status is not None:
        return f"already in the list ({status.value}); left unchanged"
    if erased_at is not None:
        return gdpr.erased_refusal(erased_at)
    if confirmed and not person.consent_source:
        return "--confirmed needs a consent source"
    if unknown:
        return f"unknown network {', '.join(unknown)}; known: {', '.join(sorted(known))}"
    return None


def _new_row(
    person: NewSubscriber,
    status: SubscriberStatus,
    known: set[str],
    *,
    confirmed: bool,
    now: datetime,
) -> dict[str, object]:
    return {
        "email": person.email,
        "email_key": person.email.strip().lower(),
        "name": person.name,
        "language": person.language,
        "networks": _networks_or_default(person.networks, known),
        "status": status,
        "consent_source": person.consent_source,
        "consented_at": (person.consented_at or now) if confirmed else None,
        "confirmed_at": now if confirmed else None,
        "created_at": now,
        "updated_at": now,
    }


async def _record_added(
    session: AsyncSession, actor: str, ids: list[int], values: list[dict[str, object]]
) -> None:
    await record_many(
        session,
        actor,
        "subscribers.added",
        [
            (
                f"subscriber:{i}",
                {
                    "email": v["email"],
                    "status": str(getattr(v["status"], "value", v["status"])),
                    "consent_source": v["consent_source"],
                },
            )
            for i, v in zip(ids, values, strict=True)
        ],
    )
