"""The one place a Dispatcher is built: storage, middlewares, then every feature's router.

A new feature adds its module to `feature_routers()` (before the fallback, which is last); a
staff feature goes behind the staff gate instead (bot.features.staff_gate). The handlers'
dependencies come from the Dispatcher's workflow data (`config`, `i18n`) and the middlewares
(`session`, `person`, `locale`): no globals.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.fsm.storage.base import (
    BaseEventIsolation,
    BaseStorage,
    DefaultKeyBuilder,
    StorageKey,
)
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import I18n

from bot import update_metrics
from bot.config import BotConfig
from bot.features import (
    cafes,
    consultations,
    fallback,
    forget,
    help,
    language,
    polls,
    privacy,
    staff_gate,
    start,
    timezone,
    youth,
    youth_ideas,
)
from bot.flood import FloodGuard
from bot.i18n import build_i18n, choose_language
from bot.middlewares import (
    DbSessionMiddleware,
    FloodMiddleware,
    LanguageMiddleware,
    PersonMiddleware,
    PoliteErrorsMiddleware,
    sorry,
    tell_user,
)
from storage.engine import SessionFactory

log = logging.getLogger(__name__)
LOCK_SECONDS = 10  # a chat's lock outlives a dead holder this long (as an update claim's lease)


def feature_routers() -> list[Router]:
    """Fresh routers of every feature, in matching order (a router can join one dispatcher)."""
    return [
        consultations.build_router(),  # before start: it takes /start c<id> deep links
        cafes.build_router(),  # before start too: /start f<id>
        start.build_router(),
        language.build_router(),
        timezone.build_router(),
        help.build_router(),
        forget.build_router(),
        privacy.build_router(),
        polls.build_router(),  # the answers to our polls: not commands, any order
        staff_gate.build_router(),  # every staff feature; non-staff refused once
        youth.build_router(),
        youth_ideas.build_router(),
    ]


def used_update_types() -> list[str]:
    """The update kinds our routers handle (what to ask Telegram for)."""
    dp = Dispatcher()
    dp.include_routers(*feature_routers(), fallback.build_router())
    return dp.resolve_used_update_types()


def fsm_storage(redis_url: str | None) -> tuple[BaseStorage, BaseEventIsolation]:
    """In memory by default; with AIVE_REDIS_URL, Redis shared by every bot process."""
    if not redis_url:
        return MemoryStorage(), SimpleEventIsolation()
    from aiogram.fsm.storage.redis import RedisStorage

    storage = RedisStorage.from_url(redis_url)
    return storage, ChatLocks(storage.redis)


class ChatLocks(BaseEventIsolation):
    """One update of a chat at a time, across processes (aiogram's RedisEventIsolation, with
    two changes). The lock of a process killed while handling frees the chat after
    LOCK_SECONDS (aiogram's 60 s left a representative waiting a minute), and a waiting update
    looks again every 20 ms rather than 100. A handler slower than LOCK_SECONDS has lost its
    lock when it ends: that is logged, not raised (its work is done; raising would say sorry)."""

    def __init__(self, redis: Any) -> None:
        self.redis = redis
        self.keys = DefaultKeyBuilder()

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        from redis.asyncio.lock import Lock
        from redis.exceptions import LockError

        held = self.redis.lock(
            name=self.keys.build(key, "lock"), timeout=LOCK_SECONDS, sleep=0.02, lock_class=Lock
        )
        await held.acquire()
        try:
            yield None
        finally:
            try:
                await held.release()
            except LockError:
                log.warning(
                    "the lock of chat %s expired before its update was handled", key.chat_id
                )

    async def close(self) -> None:
        pass


def build_dispatcher(
    config: BotConfig,
    sessions: SessionFactory,
    *,
    routers: Sequence[Router] = (),
    flood_guard: FloodGuard | None = None,
    tap_guard: FloodGuard | None = None,
) -> Dispatcher:
    """A Dispatcher with our middlewares and routers; `routers` go before the fallback."""
    storage, isolation = fsm_storage(config.redis_url)
    i18n = build_i18n(config.default_language)
    dp = Dispatcher(storage=storage, events_isolation=isolation, config=config, i18n=i18n)
    guard = flood_guard or FloodGuard(config.flood_burst, config.flood_interval)
    taps = tap_guard or FloodGuard(config.tap_burst, config.tap_interval)
    update_metrics.install(dp)  # first: it times everything below
    dp.update.outer_middleware(FloodMiddleware(guard, i18n, config.default_language, taps))
    dp.update.outer_middleware(DbSessionMiddleware(sessions))
    dp.update.outer_middleware(PersonMiddleware())
    dp.update.outer_middleware(LanguageMiddleware(i18n))
    dp.update.outer_middleware(PoliteErrorsMiddleware())
    dp.include_routers(*feature_routers(), *routers, fallback.build_router())
    dp.errors.register(_last_resort(i18n, config.default_language))
    return dp


def _last_resort(i18n: I18n, default_language: str):  # type: ignore[no-untyped-def]
    """Errors before the handlers (the database is down, say): log, and say sorry."""

    async def on_error(event: ErrorEvent, bot: Bot) -> bool:
        log.error("update %s failed", event.update.update_id, exc_info=event.exception)
        user = event.update.event.from_user if hasattr(event.update.event, "from_user") else None
        locale = choose_language(None, user.language_code if user else None, default_language)
        await tell_user(bot, event.update, sorry(i18n, locale), alert=True)
        return True

    return on_error
