"""How one sender claims queued deliveries: its worker id, whether another holder still lives,
where it reads next in each edition, and the lease on each batch it takes.

A batch is taken under this worker's id and a lease; the id tells a restarted sender on the same
host that its predecessor died, and the lease tells everyone else.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable
from datetime import datetime

from storage import bulletins_queries, deliveries_queries
from storage.bulletins import EditionStatus

HOST = socket.gethostname()


def make_worker_id() -> str:
    """`host:pid:random`: lets a restarted sender on the same host see its predecessor died."""
    return f"{HOST}:{os.getpid()}:{secrets.token_hex(4)}"


def holder_alive(worker_id: str) -> bool:
    """False only when the holder surely died: same host, and its process is gone."""
    host, _, rest = worker_id.partition(":")
    pid_text = rest.partition(":")[0]
    if host != HOST or not pid_text.isdigit():
        return True  # another machine: only its lease tells
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def still_sending(session: object, edition_id: int) -> bool:
    """Whether the edition is being sent (nothing of it is claimed otherwise)."""
    assert hasattr(session, "scalar")
    status = await bulletins_queries.edition_status(session, edition_id)  # type: ignore[arg-type]
    return bool(status == EditionStatus.sending)


class BatchClaimer:
    """Claims batches for one worker: keeps its cursor in each edition and numbers its batches."""

    def __init__(
        self,
        worker_id: str,
        *,
        batch_size: int,
        lease_seconds: float,
        clock: Callable[[], datetime],
    ) -> None:
        self.worker_id = worker_id
        self.batch_size = batch_size
        self.lease_seconds = lease_seconds
        self._clock = clock
        self._cursor: dict[int, int] = {}
        self._batches = 0

    async def select(
        self, session: object, edition_id: int
    ) -> deliveries_queries.Candidates | None:
        """The next claimable rows after this sender's cursor (from the start once past the
        end: rows that became uncertain or were released behind it)."""
        for after in (self._cursor.get(edition_id, 0), 0):
            candidates = await deliveries_queries.select_batch(
                session,  # type: ignore[arg-type]
                edition_id,
                size=self.batch_size,
                after_id=after,
            )
            if candidates is not None:
                self._cursor[edition_id] = candidates.last_id
                return candidates
            if after == 0:
                break
        self._cursor[edition_id] = 0
        return None

    async def take(
        self, session: object, candidates: deliveries_queries.Candidates
    ) -> deliveries_queries.Claim:
        """Take the candidates as one batch under this worker's id and a fresh lease."""
        self._batches += 1
        batch_id = f"{self.worker_id.rsplit(':', 1)[-1]}-{self._batches}-{secrets.token_hex(3)}"
        return await deliveries_queries.take_batch(
            session,  # type: ignore[arg-type]
            candidates,
            worker_id=self.worker_id,
            batch_id=batch_id,
            lease_until=deliveries_queries.lease_from(self._clock(), self.lease_seconds),
        )

    async def renew_lease(
        self, session: object, claim: deliveries_queries.Claim, taken_at: datetime
    ) -> None:
        """A lease taken before a long wait (retries) must still be whole once committed."""
        now = self._clock()
        if (now - taken_at).total_seconds() > self.lease_seconds / 4:
            until = deliveries_queries.lease_from(now, self.lease_seconds)
            await deliveries_queries.extend_lease(
                session,  # type: ignore[arg-type]
                claim.edition_id,
                claim.batch_id,
                until,
            )
