"""Which networks need attention first, and how the trend compares two periods (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from engagement.activity import (
    Activity,
    Kind,
    Period,
    Tally,
    attention,
    by_attention,
    network_activity,
    preset_period,
)

END = datetime(2026, 12, 1, tzinfo=UTC)
PERIOD = Period(END - timedelta(days=30), END)


def activity(current: int, previous: int = 0, days_ago: float | None = None) -> Activity:
    last = END - timedelta(days=days_ago) if days_ago is not None else None
    return Activity({Kind.published: Tally(current, previous, last)})


def test_the_trend_compares_the_period_with_the_one_before() -> None:
    falling = activity(2, 4, 1) + Activity({Kind.voted: Tally(0, 1, None)})
    assert (falling.trend.current, falling.trend.previous) == (2, 5)
    assert falling.trend.direction == "down" and falling.trend.change == -0.6
    assert activity(6, 2).trend.change == 2.0 and activity(6, 2).trend.direction == "up"
    assert activity(3, 0).trend.direction == "new" and activity(3, 0).trend.change is None
    assert activity(0, 0).trend.direction == "none"
    assert activity(4, 4).trend.direction == "flat"


def test_a_network_with_no_activity_ranks_first() -> None:
    rows = {
        "busy": attention(activity(40, 30, 1), 5, PERIOD),
        "quiet": attention(activity(1, 1, 20), 5, PERIOD),
        "falling": attention(activity(5, 50, 2), 5, PERIOD),
        "silent": attention(activity(0, 3, 45), 5, PERIOD),
        "empty": attention(Activity(), 0, PERIOD),
    }
    ranked = by_attention(rows, rows.__getitem__, lambda _: None, str)
    assert ranked[:2] == ["empty", "silent"]  # nothing in the period: 100, by name
    assert ranked[-1] == "busy"
    assert rows["silent"] == 100 and max(rows["quiet"], rows["falling"]) < 100
    assert rows["falling"] > rows["busy"]


def test_among_silent_networks_the_longest_silent_comes_first() -> None:
    last = {"a": END - timedelta(days=3), "b": None, "c": END - timedelta(days=300)}
    assert by_attention(last, lambda _: 100.0, last.__getitem__, str) == ["b", "c", "a"]


def test_a_networks_activity_adds_its_cities_and_its_own_feeds() -> None:
    cities = {1: activity(2, 1, 5), 2: activity(3, 0, 2), 3: activity(50, 50, 1)}
    total = network_activity(cities, [1, 2, 4], own=activity(1, 1, 10))
    assert (total.total, total.trend.previous) == (6, 2)
    assert total.last_sign_of_life == END - timedelta(days=2)


def test_featured_items_are_no_sign_of_life() -> None:
    featured = Activity({Kind.featured: Tally(2, 0, END - timedelta(days=1))})
    assert featured.total == 2 and featured.last_sign_of_life is None


def test_a_preset_is_whole_days_ending_today_in_the_secretariats_timezone() -> None:
    period = preset_period("30d", date(2026, 12, 7), ZoneInfo("Europe/Madrid"))
    assert period.start == datetime(2026, 11, 7, 23, tzinfo=UTC)
    assert period.end == datetime(2026, 12, 7, 23, tzinfo=UTC)
    assert period.previous().end == period.start and period.previous().length == period.length


def test_an_item_featured_in_several_bulletins_counts_once_for_its_city() -> None:
    from engagement.activity_report import featured_tallies

    recent, older = END - timedelta(days=2), END - timedelta(days=40)
    editions = [(recent, [1, 2]), (recent - timedelta(days=1), [1]), (older, [3])]
    origins = [(1, 10, 100), (2, None, 200), (3, 10, 100)]
    cities, sources = featured_tallies(editions, origins, PERIOD)
    assert cities == {10: Tally(1, 1, recent)}
    assert sources == {200: Tally(1, 0, recent)}
