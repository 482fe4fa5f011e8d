"""The sending loop: claim a batch, commit it as `sending`, hand it to the backend, record.

Crash safety comes from the order of the steps: rows are committed `sending` (with this
worker's id and a lease) before the request, and their outcome after it. Whatever moment the
process dies at, the only rows whose fate is unknown are those still `sending`: the one batch in
flight. `recover` makes them `uncertain` (once their holder is known dead or its lease is over)
and they are sent again: that batch is the only window for a duplicate.

`send_edition` overlaps the database with the request without widening that window: while a
batch is in flight, the next batch's rows are read (and on PostgreSQL locked) and its links
signed; once the answer is in, one transaction records the outcome and takes the next rows,
and only then is the next request made. At any moment at most one batch is `sending`.

Rows are taken, under a lease, in `claims`; what became of each batch is written in `outcomes`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.delivery.backend import MailBackend, OutgoingBatch
from newsletter.delivery.batching import EditionMessage, Links, Recipient, build_batch
from newsletter.delivery.claims import BatchClaimer, holder_alive, make_worker_id, still_sending
from newsletter.delivery.errors import DeliveryError, RateLimited
from newsletter.delivery.outcomes import BatchReport, Outcome, write_outcome
from newsletter.delivery.retry import Action, RetryPolicy
from storage import bulletins_queries, deliveries_queries
from storage.base import utcnow
from storage.bulletins import Edition
from storage.engine import SessionFactory
from telemetry.logs import bound

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SenderConfig:
    batch_size: int = 1000
    # longer than one request (the SendGrid backend's timeout is 30 s) with room to spare
    lease_seconds: float = 120.0
    policy: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(slots=True)
class _Step:
    """A claimed batch (committed `sending`) about to be sent, with its report; `batch` when
    its links were signed ahead, while the previous batch was in flight."""

    report: BatchReport
    claim: deliveries_queries.Claim | None = None
    batch: OutgoingBatch | None = None

    @classmethod
    def of(cls, claim: deliveries_queries.Claim, batch: OutgoingBatch | None = None) -> _Step:
        report = BatchReport(claim.edition_id, claimed=len(claim.recipients), skipped=claim.skipped)
        return cls(report, claim, batch)


class Sender:
    """Sends queued deliveries through `backend`; several senders may share an edition."""

    def __init__(
        self,
        sessions: SessionFactory,
        backend: MailBackend,
        links: Links,
        mail_from: str,
        *,
        config: SenderConfig | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        worker_id: str | None = None,
        alive: Callable[[str], bool] = holder_alive,
    ) -> None:
        self.sessions = sessions
        self.backend = backend
        self.links = links
        self.mail_from = mail_from
        self.config = config or SenderConfig()
        self.worker_id = worker_id or make_worker_id()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._alive = alive
        self._claims = BatchClaimer(
            self.worker_id,
            batch_size=self.config.batch_size,
            lease_seconds=self.config.lease_seconds,
            clock=clock,
        )
        self._messages: dict[int, EditionMessage] = {}

    async def recover(self) -> int:
        """Make the rows of dead senders' in-flight batches `uncertain`; return how many."""
        async with self.sessions() as session:
            count = await deliveries_queries.recover_stale(session, self._clock(), self._alive)
            await session.commit()
        if count:
            log.warning("%d deliveries were in flight when a sender stopped: resending", count)
        return count

    async def send_edition(
        self, edition_id: int, progress: Callable[[BatchReport], None] | None = None
    ) -> list[BatchReport]:
        """Send every claimable delivery of the edition; return one report per batch."""
        await self.recover()
        reports: list[BatchReport] = []

        def done(report: BatchReport) -> None:
            reports.append(report)
            if progress is not None:
                progress(report)

        step = await self._open(edition_id)
        while step is not None:
            if step.claim is None or not step.claim.recipients:
                done(step.report)
                if step.report.finished:
                    break
                step = await self._open(edition_id)
                continue
            following = await self._deliver_and_take_next(step)
            done(step.report)
            step = following
        return reports

    async def send_next(self, edition_id: int | None = None) -> BatchReport | None:
        """Claim and send one batch (of `edition_id`, or of any edition being sent).

        None when there is nothing to claim (the edition is marked sent if it is done).
        """
        if edition_id is None:
            async with self.sessions() as session:
                edition_id = await bulletins_queries.next_edition(session)
                if edition_id is None:
                    # nothing left to claim anywhere: close the editions that are done
                    if await bulletins_queries.finish_sent_editions(session, self._clock()):
                        await session.commit()
                    return None
        step = await self._open(edition_id)
        if step is None:
            return None
        if step.claim is not None and step.claim.recipients:
            outcome = await self._attempt(step)
            async with self.sessions() as session:
                await self._write_outcome(session, step.claim, outcome, step.report)
                await session.commit()
        return step.report

    async def _open(self, edition_id: int) -> _Step | None:
        """Claim one batch and commit it; None when the edition is not being sent or nothing
        is left to claim yet (rows of other senders still in flight)."""
        async with self.sessions() as session:
            if not await still_sending(session, edition_id):
                return None
            candidates = await self._claims.select(session, edition_id)
            if candidates is None:
                done = await bulletins_queries.finish_edition(session, edition_id, self._clock())
                await session.commit()
                return _Step(BatchReport(edition_id, finished=True)) if done else None
            claim = await self._claims.take(session, candidates)
            await session.commit()
        return _Step.of(claim)

    async def _deliver_and_take_next(self, step: _Step) -> _Step | None:
        """Send the step's claim while the next rows are read and their links signed; then
        record the outcome and take those rows in one transaction. Returns the next step as
        `_open` does.

        Where taking rows locks only them (PostgreSQL), they are taken before the answer
        comes: uncommitted, so a crash leaves them as they were. A failure here leaves the batch
        in flight `sending`, as a crash would.
        """
        assert step.claim is not None
        claim, edition_id = step.claim, step.claim.edition_id
        attempt = asyncio.create_task(self._attempt(step))
        try:
            async with self.sessions() as session:
                candidates = batch = following = None
                if await still_sending(session, edition_id):
                    candidates = await self._claims.select(session, edition_id)
                if candidates is not None:
                    taken_at = self._clock()
                    following, batch = await self._take_and_build(session, candidates)
                outcome = await attempt
                await self._write_outcome(session, claim, outcome, step.report)
                if candidates is not None and following is None:
                    following = await self._claims.take(session, candidates)
                elif following is not None:
                    await self._claims.renew_lease(session, following, taken_at)
                await session.commit()
        finally:
            if not attempt.done():
                attempt.cancel()
        if following is None:
            return await self._open(edition_id)  # finishes the edition when it is done
        if batch is not None and len(batch.recipients) != len(following.recipients):
            batch = None  # another sender took some of those rows meanwhile: build again
        return _Step.of(following, batch)

    async def _take_and_build(
        self, session: AsyncSession, candidates: deliveries_queries.Candidates
    ) -> tuple[deliveries_queries.Claim | None, OutgoingBatch | None]:
        """Sign the candidates' links and prepare their request in a thread while, where that
        blocks nobody, the database takes the rows (uncommitted until the outcome is in)."""
        message = await self._message(session, candidates.edition_id)
        take = None
        if deliveries_queries.locks_rows_only(session):
            take = asyncio.create_task(self._claims.take(session, candidates))
        batch = None
        try:
            if candidates.wanted:
                batch = await asyncio.to_thread(self._prepare, message, candidates.wanted)
        finally:
            following = await take if take is not None else None
        return following, batch

    def _prepare(self, message: EditionMessage, recipients: Sequence[Recipient]) -> OutgoingBatch:
        batch = build_batch(message, recipients, self.links)
        self.backend.prepare(batch)
        return batch

    async def _message(self, session: object, edition_id: int) -> EditionMessage:
        if edition_id not in self._messages:
            edition = await session.get(Edition, edition_id)  # type: ignore[attr-defined]
            self._messages[edition_id] = EditionMessage(
                edition_id=edition.id,
                mail_from=self.mail_from,
                subject=edition.subject,
                html=edition.html or "",
                text=edition.text or "",
                series=edition.series.slug,
                language=edition.language,
            )
        return self._messages[edition_id]

    async def _batch(
        self, session: object, edition_id: int, recipients: Sequence[Recipient]
    ) -> OutgoingBatch:
        """The batch for `recipients`, each with their signed links."""
        message = await self._message(session, edition_id)
        return build_batch(message, recipients, self.links)

    async def _attempt(self, step: _Step) -> Outcome:
        """Send the step's batch, retrying as the policy says; what to record for it. Every
        line logged meanwhile names the edition and the batch (its deliveries' claim)."""
        assert step.claim is not None
        with bound(edition_id=step.claim.edition_id, batch_id=step.claim.batch_id):
            return await self._attempt_batch(step)

    async def _attempt_batch(self, step: _Step) -> Outcome:
        claim, report, batch = step.claim, step.report, step.batch
        assert claim is not None
        if batch is None:
            async with self.sessions() as session:
                batch = await self._batch(session, claim.edition_id, claim.recipients)
        policy = self.config.policy
        attempt = rate_limited = 0
        while True:
            report.requests += 1
            try:
                return await self.backend.send_batch(batch)
            except DeliveryError as exc:
                if isinstance(exc, RateLimited):
                    rate_limited += 1
                else:
                    attempt += 1
                decision = policy.decide(
                    exc, attempt=attempt, rate_limited=rate_limited, rng=self._rng
                )
                if decision.action is not Action.RETRY:
                    return exc, decision.action
                log.warning("batch %s: %s; retrying in %.1f s", claim.batch_id, exc, decision.delay)
                await self._hold(claim, decision.delay)
                await self._sleep(decision.delay)

    async def _hold(self, claim: deliveries_queries.Claim, delay: float) -> None:
        until = deliveries_queries.lease_from(self._clock(), delay + self.config.lease_seconds)
        async with self.sessions() as session:
            await deliveries_queries.extend_lease(session, claim.edition_id, claim.batch_id, until)
            await session.commit()

    async def _write_outcome(
        self,
        session: AsyncSession,
        claim: deliveries_queries.Claim,
        outcome: Outcome,
        report: BatchReport,
    ) -> None:
        """Record the batch's outcome in `session` (the caller commits)."""
        max_attempts = self.config.policy.max_attempts
        await write_outcome(
            session, claim, outcome, report, now=self._clock(), max_attempts=max_attempts
        )
