"""One scheduler at a time: a PostgreSQL advisory lock held on a dedicated connection.

On SQLite a single process is assumed (the embedded default), so the lock is always granted.
If the leader dies, PostgreSQL drops its session and its lock at once; a waiting process
polls every `retry_seconds` and takes over.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.engine import advisory_unlock, ping, try_advisory_lock

log = logging.getLogger(__name__)
SCHEDULER_LOCK_KEY = 0x41495645  # "AIVE"


@asynccontextmanager
async def leadership(
    engine: AsyncEngine,
    stop: asyncio.Event,
    retry_seconds: float = 5.0,
    key: int = SCHEDULER_LOCK_KEY,
) -> AsyncIterator[AsyncConnection | None]:
    """Wait until this process leads (or `stop` is set: yields None), then hold the lock."""
    if engine.dialect.name != "postgresql":
        yield None
        return
    while not stop.is_set():
        conn = await engine.connect()
        try:
            got = await try_advisory_lock(conn, key)
            await conn.commit()
        except Exception:
            await conn.close()
            raise
        if got:
            log.info("scheduler: this process is the leader")
            try:
                yield conn
            finally:
                try:
                    await advisory_unlock(conn, key)
                    await conn.commit()
                except Exception:  # the connection may be gone; the lock went with it
                    log.debug("leader lock already released")
                await conn.close()
            return
        await conn.close()
        log.info("scheduler: another process leads; waiting")
        try:
            await asyncio.wait_for(stop.wait(), timeout=retry_seconds)
        except TimeoutError:
            continue
    yield None


async def still_leader(conn: AsyncConnection | None) -> bool:
    """True while the lock connection is alive (always true without PostgreSQL)."""
    if conn is None:
        return True
    try:
        await ping(conn)
        await conn.commit()
        return True
    except Exception:
        return False
