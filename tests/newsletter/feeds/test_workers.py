"""Feeds parsed in a worker process give what parsing here gives, and a broken pool is survived."""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime

import pytest

from newsletter.feeds import parse_feed, workers

FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>City</title>'
    b"<language>ca</language><item><title>Escola oberta</title><guid>g1</guid>"
    b"<link>/news/1</link><description><![CDATA[<p onclick='x()'>Hola</p><script>a()</script>"
    b"]]></description></item></channel></rss>"
)
URL = "https://city.example/feed"
FETCHED = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def one_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "PARSE_PROCESSES", 1)


async def test_a_feed_parsed_in_a_worker_process_equals_one_parsed_here(one_worker: None) -> None:
    parsed = await workers.parse_elsewhere(FEED, URL, FETCHED)

    assert parsed == parse_feed(FEED, URL, fetched_at=FETCHED)
    assert parsed.entries[0].url == "https://city.example/news/1"
    assert "script" not in parsed.entries[0].summary_html
    pids = workers.worker_pids()
    assert pids and os.getpid() not in pids


async def test_a_killed_worker_does_not_fail_the_feed_and_a_new_pool_takes_over(
    one_worker: None,
) -> None:
    workers.start()
    (pid,) = workers.worker_pids()
    os.kill(pid, signal.SIGKILL)

    parsed = await workers.parse_elsewhere(FEED, URL, FETCHED)  # in a thread, pool dropped

    assert parsed.entries[0].title == "Escola oberta"
    again = await workers.parse_elsewhere(FEED, URL, FETCHED)  # a fresh pool
    assert again == parsed
    assert workers.worker_pids() and pid not in workers.worker_pids()


async def test_without_worker_processes_feeds_are_parsed_in_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers, "PARSE_PROCESSES", 0)
    seen: list[int] = []

    def parse_here(data: bytes, url: str, *, fetched_at: datetime | None) -> object:
        seen.append(os.getpid())
        return parse_feed(data, url, fetched_at=fetched_at)

    parsed = await workers.parse_elsewhere(FEED, URL, FETCHED, parse_here)  # type: ignore[arg-type]

    assert seen == [os.getpid()] and parsed.title == "City"
