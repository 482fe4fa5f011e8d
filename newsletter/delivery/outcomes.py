"""Write down what became of a sent batch: each delivery's new state, and the batch's report.

The backend's answer makes deliveries `accepted`, `skipped` (for the backend's reason) or
`failed` (those it did not mention). An error the retry policy gave up on makes them `uncertain`,
to be sent again (`failed` once they have used up their attempts), or `failed` outright.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.delivery.backend import BatchResult
from newsletter.delivery.errors import DeliveryError
from newsletter.delivery.retry import Action
from storage import deliveries_queries
from storage.deliveries import DeliveryState

log = logging.getLogger(__name__)


@dataclass(slots=True)
class BatchReport:
    """What one batch of an edition came to; `finished` when the edition is done instead."""

    edition_id: int
    claimed: int = 0
    accepted: int = 0
    failed: int = 0
    uncertain: int = 0
    skipped: int = 0
    requests: int = 0
    error: str | None = None
    finished: bool = False


Outcome = BatchResult | tuple[DeliveryError, Action]
"""What sending a batch ends with: the backend's result, or the error and what to do about it."""


async def write_outcome(
    session: AsyncSession,
    claim: deliveries_queries.Claim,
    outcome: Outcome,
    report: BatchReport,
    *,
    now: datetime,
    max_attempts: int,
) -> None:
    """Record the batch's outcome in `session` (the caller commits) and count it in `report`.

    Deliveries that have had `max_attempts` already fail rather than become uncertain again.
    """
    if isinstance(outcome, BatchResult):
        await _record(session, claim, outcome, report, now)
    else:
        await _give_up(session, claim, *outcome, report, now, max_attempts)


async def _record(
    session: AsyncSession,
    claim: deliveries_queries.Claim,
    result: BatchResult,
    report: BatchReport,
    now: datetime,
) -> None:
    accepted = set(result.accepted)
    skipped = {s.delivery_id: s.reason for s in result.skipped}
    told = accepted | skipped.keys()
    untold = [r.delivery_id for r in claim.recipients if r.delivery_id not in told]
    await deliveries_queries.record_outcome(
        session, sorted(accepted), DeliveryState.accepted, now=now, message_id=result.message_id
    )
    for reason in set(skipped.values()):
        ids = [d for d, why in skipped.items() if why == reason]
        await deliveries_queries.record_outcome(
            session, ids, DeliveryState.skipped, now=now, error=reason
        )
    await deliveries_queries.record_outcome(
        session, untold, DeliveryState.failed, now=now, error="not taken by the backend"
    )
    report.accepted += len(accepted)
    report.skipped += len(skipped)
    report.failed += len(untold)


async def _give_up(
    session: AsyncSession,
    claim: deliveries_queries.Claim,
    exc: DeliveryError,
    action: Action,
    report: BatchReport,
    now: datetime,
    max_attempts: int,
) -> None:
    error = str(exc)
    ids = [r.delivery_id for r in claim.recipients]
    if action is Action.UNCERTAIN:
        worn = [r.delivery_id for r in claim.recipients if r.attempts >= max_attempts]
        worn_ids = set(worn)
        again = [i for i in ids if i not in worn_ids]
        await deliveries_queries.record_outcome(
            session, again, DeliveryState.uncertain, now=now, error=error
        )
        await deliveries_queries.record_outcome(
            session,
            worn,
            DeliveryState.failed,
            now=now,
            error=f"outcome unknown after retries: {error}",
        )
        report.uncertain += len(again)
        report.failed += len(worn)
        log.warning(
            "batch %s: %s; %d deliveries will be sent again",
            claim.batch_id,
            error,
            len(again),
        )
    else:
        await deliveries_queries.record_outcome(
            session, ids, DeliveryState.failed, now=now, error=error
        )
        report.failed += len(ids)
        log.error("batch %s of edition %s failed: %s", claim.batch_id, claim.edition_id, error)
    report.error = error
