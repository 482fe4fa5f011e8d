"""SQL for email subscribers: who receives bulletins (`Subscriber.receives_bulletins`, in a
language and networks), as rows or as a count; look-ups by address and bulk inserts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Table,
    and_,
    func,
    insert,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from storage.subscribers import Subscriber, SubscriberStatus


def in_networks(session: AsyncSession, networks: Sequence[str]) -> ColumnElement[bool]:
    """Subscribers sharing a network with `networks` (every subscriber when it is empty)."""
    if not networks:
        return true()
    if session.get_bind().dialect.name == "postgresql":
        return Subscriber.networks.op("?|")(postgresql.array(list(networks)))
    wanted = ", ".join(f"'{_sql_quote(n)}'" for n in networks)
    sql = f"EXISTS (SELECT 1 FROM json_each(subscribers.networks) WHERE value IN ({wanted}))"
    return literal_column(sql, Boolean)


def _sql_quote(value: str) -> str:
    return value.replace("'", "''")


def bulletin_readers_where(
    session: AsyncSession, *, language: str | None = None, networks: Sequence[str] = ()
) -> ColumnElement[bool]:
    """The SQL condition for subscribers who receive bulletins in `language` (any: None) of
    `networks` (any: empty)."""
    conditions = [Subscriber.receives_bulletins, in_networks(session, networks)]
    if language is not None:
        conditions.append(Subscriber.language == language)
    return and_(*conditions)


async def bulletin_readers(
    session: AsyncSession, *, language: str | None = None, networks: Sequence[str] = ()
) -> list[tuple[int, str, str | None]]:
    """(id, email, language) of the subscribers who receive bulletins in `language` (any:
    None) of `networks` (any: empty), by id."""
    rows = await session.execute(
        select(Subscriber.id, Subscriber.email, Subscriber.language)
        .where(bulletin_readers_where(session, language=language, networks=networks))
        .order_by(Subscriber.id)
    )
    return [(i, e, lang) for i, e, lang in rows.all()]


async def count_bulletin_readers(
    session: AsyncSession, *, language: str | None = None, networks: Sequence[str] = ()
) -> int:
    """How many subscribers `bulletin_readers` returns."""
    count = await session.scalar(
        select(func.count())
        .select_from(Subscriber)
        .where(bulletin_readers_where(session, language=language, networks=networks))
    )
    return int(count or 0)


SUBSCRIBERS = cast(Table, Subscriber.__table__)


async def subscriber_by_key(session: AsyncSession, email_key: str) -> Subscriber | None:
    return await session.scalar(select(Subscriber).where(Subscriber.email_key == email_key))


async def statuses_by_key(
    session: AsyncSession, keys: Sequence[str], *, chunk: int = 1000
) -> dict[str, SubscriberStatus]:
    """Address key → status, for the keys that are subscribers."""
    found: dict[str, SubscriberStatus] = {}
    for start in range(0, len(keys), chunk):
        rows = await session.execute(
            select(Subscriber.email_key, Subscriber.status).where(
                Subscriber.email_key.in_(keys[start : start + chunk])
            )
        )
        found.update({row.email_key: row.status for row in rows})
    return found


async def insert_subscribers(
    session: AsyncSession, values: Sequence[dict[str, object]], *, chunk: int = 1000
) -> dict[str, int]:
    """Insert these subscriber rows; address key → new id."""
    # the table, not the mapped class, and no RETURNING: one executemany round trip (the
    # ORM's per-row work and a fetch per returned row were most of a large import's time)
    await session.execute(insert(SUBSCRIBERS), list(values))
    id_of: dict[str, int] = {}
    new_keys = [str(v["email_key"]) for v in values]
    for start in range(0, len(new_keys), chunk):
        rows = await session.execute(
            select(Subscriber.email_key, Subscriber.id).where(
                Subscriber.email_key.in_(new_keys[start : start + chunk])
            )
        )
        id_of.update({row.email_key: row.id for row in rows})
    return id_of


async def suppress(
    session: AsyncSession,
    *,
    ids: Sequence[int] = (),
    email_keys: Sequence[str] = (),
    still: Sequence[SubscriberStatus],
    status: SubscriberStatus,
    reason: str,
    now: datetime,
) -> list[int]:
    """Give the subscribers with these ids (or these address keys) who are in one of `still`
    the status `status`; their ids."""
    who = Subscriber.id.in_(ids) if ids else Subscriber.email_key.in_(email_keys)
    suppressed = await session.scalars(
        update(Subscriber)
        .where(who, Subscriber.status.in_(still))
        .values(status=status, status_reason=reason, updated_at=now)
        .returning(Subscriber.id)
    )
    return list(suppressed.all())


async def subscribers_by_id(
    session: AsyncSession, status: SubscriberStatus | None = None
) -> list[Subscriber]:
    """Every subscriber (or those in `status`), by id."""
    query = select(Subscriber).order_by(Subscriber.id)
    if status is not None:
        query = query.where(Subscriber.status == status)
    return list((await session.scalars(query)).all())
