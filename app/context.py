"""What the running processes share: settings, engine, session factory. Built once in app/."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from app.settings import Settings
from storage.engine import SessionFactory, create_engine, create_session_factory
from telemetry.metrics import watch_pool


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory

    @classmethod
    def build(cls, settings: Settings) -> AppContext:
        engine = create_engine(settings.database_url)
        watch_pool(engine.sync_engine)
        return cls(settings, engine, create_session_factory(engine))

    async def close(self) -> None:
        await self.engine.dispose()
