from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsletter.feeds import next_attempt

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
BASE = timedelta(minutes=30)


def middle() -> float:
    return 0.5  # no jitter: exactly the nominal delay


@pytest.mark.parametrize(
    ("failures", "delay"),
    [
        (0, timedelta(minutes=30)),
        (1, timedelta(hours=1)),
        (2, timedelta(hours=2)),
        (5, timedelta(hours=16)),
        (6, timedelta(hours=24)),
        (10_000, timedelta(hours=24)),
        (-3, timedelta(minutes=30)),
    ],
)
def test_each_failure_doubles_the_wait_up_to_a_day(failures: int, delay: timedelta) -> None:
    assert next_attempt(failures, NOW, BASE, rand=middle) == NOW + delay


def test_jitter_spreads_retries_within_ten_percent() -> None:
    earliest = next_attempt(3, NOW, BASE, rand=lambda: 0.0)
    latest = next_attempt(3, NOW, BASE, rand=lambda: 0.999999)

    assert earliest == NOW + timedelta(hours=4) * 0.9
    assert NOW + timedelta(hours=4) * 1.09 < latest < NOW + timedelta(hours=4) * 1.1
    assert len({next_attempt(3, NOW, BASE) for _ in range(20)}) > 1


def test_a_base_longer_than_the_cap_is_kept() -> None:
    weekly = timedelta(days=7)

    assert next_attempt(4, NOW, weekly, rand=middle) == NOW + weekly


@pytest.mark.parametrize(("base", "jitter"), [(timedelta(0), 0.1), (BASE, 1.5), (BASE, -0.1)])
def test_nonsense_settings_are_refused(base: timedelta, jitter: float) -> None:
    with pytest.raises(ValueError):
        next_attempt(1, NOW, base, jitter=jitter)
