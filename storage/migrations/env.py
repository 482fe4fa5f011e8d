"""Alembic environment: async engine, URL given by the caller (storage.migrate)."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext, MigrationInfo
from sqlalchemy.engine import Connection

from storage.engine import create_engine
from storage.models import metadata
from storage.transactional_ddl import check_references, transactional_ddl

config = context.config


def _run(connection: Connection) -> None:
    """Each migration and its version row in one transaction, on SQLite too: a migration
    interrupted at any point (a kill, a power cut) is undone, and the next upgrade redoes it."""
    with transactional_ddl(connection):
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            transactional_ddl=True,
            transaction_per_migration=True,
            on_version_apply=_check_references,
        )
        with context.begin_transaction():
            context.run_migrations()


def _check_references(
    ctx: MigrationContext, step: MigrationInfo, heads: Collection[Any], run_args: Mapping[str, Any]
) -> None:
    """Before a migration commits: it broke no reference (SQLite does not enforce them then)."""
    assert ctx.connection is not None
    check_references(ctx.connection)


async def _run_async() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async())
