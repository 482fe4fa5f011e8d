"""The pure parts: Telegram's limits and the choice of language."""

from __future__ import annotations

import pytest

from bot.broadcast.limiter import Limits, RateLimiter
from outbox.content import ContentError, content_for, localized
from storage.broadcasts import BroadcastKind


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_thirty_messages_a_second_then_the_31st_waits_for_the_window_to_slide() -> None:
    clock = Clock()
    limiter = RateLimiter(Limits(margin=0.0), now=clock)
    assert all(limiter.try_acquire(chat) for chat in range(1, 31))
    assert not limiter.try_acquire(31)
    assert limiter.wait() == pytest.approx(1.0)
    clock.t = 1.0
    assert limiter.try_acquire(31)


def test_the_margin_stretches_every_window() -> None:
    clock = Clock()
    limiter = RateLimiter(Limits(margin=0.05), now=clock)
    for chat in range(1, 31):
        limiter.try_acquire(chat)
    clock.t = 1.0
    assert not limiter.try_acquire(31)
    clock.t = 1.05
    assert limiter.try_acquire(31)


def test_a_private_chat_gets_one_message_a_second_a_group_twenty_a_minute() -> None:
    clock = Clock()
    limiter = RateLimiter(Limits(margin=0.0), now=clock)
    assert limiter.try_acquire(7) and not limiter.try_acquire(7)
    assert limiter.busy_chats() == [7]
    for i in range(20):
        clock.t = 1.0 + i * 1.5  # slow enough for the global limit
        assert limiter.try_acquire(-100)
    clock.t += 1.5
    assert not limiter.try_acquire(-100)
    assert limiter.chat_wait() == pytest.approx(60.0 - (clock.t - 1.0))
    clock.t = 61.0
    assert limiter.try_acquire(-100)


def test_a_refused_chat_takes_no_global_slot() -> None:
    clock = Clock()
    limiter = RateLimiter(Limits(per_second=2, margin=0.0), now=clock)
    assert limiter.try_acquire(1)
    assert not limiter.try_acquire(1)
    assert limiter.try_acquire(2)


def test_pause_after_a_429_stops_every_chat() -> None:
    clock = Clock()
    limiter = RateLimiter(now=clock)
    limiter.pause(7)
    assert not limiter.try_acquire(1) and limiter.wait() == 7
    clock.t = 7.0
    assert limiter.try_acquire(1)


def test_limits_must_allow_something() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Limits(per_second=0)
    with pytest.raises(ValueError, match="margin"):
        Limits(margin=1.5)


def test_text_in_the_readers_language_else_english_else_the_first_given() -> None:
    texts = {"fr": "Bonjour", "en": "Hello"}
    assert localized(texts, "fr") == "Bonjour"
    assert localized(texts, "pt") == "Hello"
    assert localized({"es": "Hola", "ca": "Hola!"}, "pt") == "Hola"
    assert localized({"fr": ""}, "fr") is None


def test_malformed_payloads_are_refused_with_the_reason() -> None:
    with pytest.raises(ContentError, match="needs text"):
        content_for(BroadcastKind.text, {"text": {}}, "en")
    with pytest.raises(ContentError, match="file"):
        content_for(BroadcastKind.photo, {"caption": {"en": "x"}}, "en")
    with pytest.raises(ContentError, match="two options"):
        content_for(BroadcastKind.poll, {"question": {"en": "Q"}, "options": [{"en": "A"}]}, "en")
