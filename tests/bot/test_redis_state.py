"""With AIVE_REDIS_URL, conversation state is shared by every bot process (RedisStorage)."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from bot import dispatcher
from bot.dispatcher import fsm_storage

REDIS_URL = os.environ.get("AIVE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_without_redis_state_stays_in_memory() -> None:
    storage, _isolation = fsm_storage(None)
    assert isinstance(storage, MemoryStorage)


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
async def test_two_bot_processes_see_the_same_conversation_state() -> None:
    first, first_lock = fsm_storage(REDIS_URL)
    second, _ = fsm_storage(REDIS_URL)  # another `aive bot` / web process
    key = StorageKey(bot_id=42, chat_id=int(uuid.uuid4().int % 10**9), user_id=7)
    try:
        await first.set_state(key, "youth:text")
        await first.set_data(key, {"title": "Un parc per a tothom"})
        assert await second.get_state(key) == "youth:text"
        assert await second.get_data(key) == {"title": "Un parc per a tothom"}
        # event isolation: one update of a user at a time, across processes
        async with first_lock.lock(key):
            pass
    finally:
        await first.set_state(key, None)
        await first.set_data(key, {})
        await first.close()
        await second.close()


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
async def test_a_chat_is_handled_by_one_process_at_a_time_and_a_dead_holder_frees_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dispatcher, "LOCK_SECONDS", 0.3)
    first, first_lock = fsm_storage(REDIS_URL)
    second, second_lock = fsm_storage(REDIS_URL)
    key = StorageKey(bot_id=42, chat_id=int(uuid.uuid4().int % 10**9), user_id=7)
    order: list[str] = []
    try:
        async with first_lock.lock(key):
            waiting = asyncio.create_task(_hold(second_lock, key, order))
            await asyncio.sleep(0.05)
            order.append("first done")
        await waiting
        assert order == ["first done", "second"]
        # a process killed while holding the lock (it never releases): the chat is free again
        # once the lock expires, and the slow holder's late release is not an error
        async with first_lock.lock(key):
            await asyncio.sleep(0.5)
            await _hold(second_lock, key, order)
        assert order[-1] == "second"
    finally:
        await first.close()
        await second.close()


async def _hold(isolation: Any, key: StorageKey, order: list[str]) -> None:
    async with isolation.lock(key):
        order.append("second")
