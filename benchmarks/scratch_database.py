"""The database a benchmark starts from: migrated and empty. On PostgreSQL its public schema is
dropped first (point AIVE_TEST_DATABASE_URL or --pg at a scratch database, never a real one)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import migrate
from storage.engine import create_engine


async def migrated_engine(url: str) -> AsyncEngine:
    """An engine on `url`, whose database is now empty and at the latest migration."""
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await migrate.upgrade(engine)
    return engine
