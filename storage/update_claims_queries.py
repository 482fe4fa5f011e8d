"""Claims on Telegram updates (storage.update_claims): claim, finish, renew, purge."""

from __future__ import annotations

import enum
from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.update_claims import UpdateClaim


class Claim(enum.Enum):
    taken = "taken"  # ours to handle: new, or taken over from a process whose lease ran out
    done = "done"  # handled already: answer 200 and do nothing
    busy = "busy"  # another live process (or an earlier delivery here) is handling it


async def claim_update(
    session: AsyncSession,
    bot_id: int,
    update_id: int,
    owner: str,
    now: datetime,
    lease: timedelta,
) -> Claim:
    """Claim (bot_id, update_id) for `owner` in one statement, and commit.

    A new update is taken; an unfinished one whose lease ended before `now - lease` is taken
    over (its process died); otherwise the row tells whether it is done or still busy."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    new = insert(UpdateClaim).values(
        bot_id=bot_id, update_id=update_id, owner=owner, claimed_at=now, done_at=None
    )
    statement = new.on_conflict_do_update(
        index_elements=["bot_id", "update_id"],
        set_={"owner": new.excluded.owner, "claimed_at": new.excluded.claimed_at},
        where=(UpdateClaim.done_at.is_(None)) & (UpdateClaim.claimed_at < now - lease),
    ).returning(UpdateClaim.owner)
    taken = (await session.execute(statement)).scalar_one_or_none()
    if taken is not None:
        await session.commit()
        return Claim.taken
    done_at = await session.scalar(
        select(UpdateClaim.done_at).where(
            UpdateClaim.bot_id == bot_id, UpdateClaim.update_id == update_id
        )
    )
    await session.commit()
    return Claim.busy if done_at is None else Claim.done


async def finish_update(
    session: AsyncSession, bot_id: int, update_id: int, owner: str, now: datetime
) -> bool:
    """Mark the update handled (if `owner` still holds it), and commit; whether it did."""
    result = await session.execute(
        update(UpdateClaim)
        .where(
            UpdateClaim.bot_id == bot_id,
            UpdateClaim.update_id == update_id,
            UpdateClaim.owner == owner,
        )
        .values(done_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release_update(session: AsyncSession, bot_id: int, update_id: int, owner: str) -> None:
    """Give up an unfinished claim (handling was cancelled): the next delivery takes it."""
    await session.execute(
        delete(UpdateClaim)
        .where(
            UpdateClaim.bot_id == bot_id,
            UpdateClaim.update_id == update_id,
            UpdateClaim.owner == owner,
            UpdateClaim.done_at.is_(None),
        )
        .execution_options(synchronize_session=False)
    )
    await session.commit()


async def renew_claims(
    session: AsyncSession, bot_id: int, owner: str, update_ids: Collection[int], now: datetime
) -> None:
    """Extend the leases of the updates `owner` is still handling, and commit."""
    if not update_ids:
        return
    await session.execute(
        update(UpdateClaim)
        .where(
            UpdateClaim.bot_id == bot_id,
            UpdateClaim.owner == owner,
            UpdateClaim.update_id.in_(list(update_ids)),
            UpdateClaim.done_at.is_(None),
        )
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.commit()


async def purge_claims(session: AsyncSession, before: datetime) -> int:
    """Forget claims older than `before` (Telegram keeps an update at most a day), and commit."""
    result = await session.execute(
        delete(UpdateClaim)
        .where(UpdateClaim.claimed_at < before)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
