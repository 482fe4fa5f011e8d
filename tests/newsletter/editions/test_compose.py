"""Composing an edition, told as the stories of the secretariat and its readers."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from newsletter.editions.compose import compose_edition
from newsletter.editions.values import (
    CandidateItem,
    ComposeOptions,
    CompositionError,
    OpenConsultation,
    Period,
    SectionKind,
    StaffEdits,
    UpcomingCafe,
    YouthSubmission,
)

END = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
WEEK = Period(END - timedelta(days=7), END)


def item(
    item_id: int,
    *,
    lang: str = "fr",
    city: str = "",
    country: str = "",
    hours_ago: float = 24,
    networks: tuple[str, ...] = ("francophone",),
    **fields: object,
) -> CandidateItem:
    base = CandidateItem(
        id=item_id,
        title=f"Item {item_id}",
        url=f"https://example.org/{item_id}",
        published_at=END - timedelta(hours=hours_ago),
        language=lang,
        city=city or f"City {item_id}",
        country=country or "FR",
        networks=networks,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def news_ids(edition) -> list[int]:  # type: ignore[no-untyped-def]
    section = edition.section(SectionKind.news)
    return [p.item.id for p in section.items] if section else []


def compose(items, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("language", "fr")
    kwargs.setdefault("period", WEEK)
    kwargs.setdefault("series_networks", ("francophone",))
    return compose_edition(items, **kwargs)


# --- language -------------------------------------------------------------------------------


def test_french_reader_gets_only_french_news_when_there_is_enough() -> None:
    items = [item(i, hours_ago=i) for i in range(1, 11)] + [
        item(100 + i, lang="en", hours_ago=0.5) for i in range(5)
    ]
    edition = compose(items, options=ComposeOptions(target_count=8, minimum_count=5))
    ids = news_ids(edition)
    assert len(ids) == 8
    assert all(i < 100 for i in ids), "fresher English items must not displace French ones"
    assert edition.spread.other_language == 0


def test_thin_week_is_filled_with_other_languages_up_to_the_minimum_only() -> None:
    items = [item(1), item(2), item(3)] + [item(100 + i, lang="es") for i in range(10)]
    edition = compose(items, options=ComposeOptions(target_count=10, minimum_count=6))
    placed = edition.section(SectionKind.news).items
    assert len(placed) == 6
    assert {1, 2, 3} <= {p.item.id for p in placed}
    flagged = {p.item.id for p in placed if p.other_language}
    assert len(flagged) == 3 and all(i >= 100 for i in flagged)
    assert edition.spread.other_language == 3


def test_regional_language_codes_count_as_the_edition_language() -> None:
    edition = compose(
        [item(1, lang="pt-BR"), item(2, lang="PT")],
        language="pt",
        options=ComposeOptions(target_count=5, minimum_count=0),
    )
    assert sorted(news_ids(edition)) == [1, 2]
    assert not any(p.other_language for p in edition.section(SectionKind.news).items)


# --- period and networks ----------------------------------------------------------------------


def test_only_items_of_the_period_and_of_the_series_networks_are_chosen() -> None:
    items = [
        item(1, hours_ago=1),
        item(2, hours_ago=24 * 7 + 1),  # the week before
        item(3, hours_ago=-1),  # after the end of the period
        item(4, networks=("spain",)),
        item(5, networks=("spain", "francophone")),
    ]
    edition = compose(items, options=ComposeOptions(minimum_count=0))
    assert sorted(news_ids(edition)) == [1, 5]


def test_a_story_syndicated_by_two_feeds_appears_once() -> None:
    items = [item(1, url="https://city.example/a"), item(2, url="http://city.example/a/")]
    assert len(news_ids(compose(items))) == 1


# --- ranking and diversity --------------------------------------------------------------------


def test_a_priority_source_outranks_a_slightly_fresher_ordinary_one() -> None:
    items = [item(1, hours_ago=2, country="BE"), item(2, hours_ago=30, source_priority=1)]
    assert news_ids(compose(items)) == [2, 1]


def test_no_city_gets_more_than_its_share() -> None:
    paris = [item(i, city="Paris", hours_ago=i) for i in range(1, 9)]
    lyon = [item(20 + i, city="Lyon", hours_ago=50 + i) for i in range(3)]
    edition = compose(paris + lyon, options=ComposeOptions(max_per_city=2, minimum_count=0))
    assert edition.spread.cities == {"Lyon (FR)": 2, "Paris (FR)": 2}


def test_every_country_is_heard_before_one_gets_a_second_item() -> None:
    france = [item(i, country="FR", hours_ago=i) for i in range(1, 11)]
    others = [
        item(50, country="BE", hours_ago=100),
        item(51, country="SN", hours_ago=120),
        item(52, country="CA", hours_ago=150),
    ]
    edition = compose(france + others, options=ComposeOptions(target_count=6, minimum_count=0))
    ids = news_ids(edition)
    assert {50, 51, 52} <= set(ids)
    assert ids[:4].count(1) == 1 and set(ids[:4]) == {1, 50, 51, 52}
    assert edition.spread.countries == {"FR": 3, "BE": 1, "CA": 1, "SN": 1}


def test_networks_are_spread_too() -> None:
    # all in France; the older Africa-network items still get in ahead of more Europe ones
    europe = [item(i, networks=("europe",), hours_ago=i) for i in range(1, 8)]
    africa = [item(20 + i, networks=("africa",), hours_ago=36 + i) for i in range(2)]
    edition = compose(
        europe + africa,
        series_networks=("europe", "africa"),
        options=ComposeOptions(target_count=4, minimum_count=0, country_penalty_days=0),
    )
    assert edition.spread.networks == {"africa": 2, "europe": 2}


# --- staff edits ------------------------------------------------------------------------------


def test_staff_pins_come_first_in_pin_order_even_from_last_month() -> None:
    items = [item(i, hours_ago=i) for i in range(1, 6)] + [item(99, hours_ago=24 * 30)]
    edition = compose(items, edits=StaffEdits(pinned=(3, 99)))
    ids = news_ids(edition)
    assert ids[:2] == [3, 99]
    assert ids.count(3) == 1
    assert [p.pinned for p in edition.section(SectionKind.news).items][:3] == [True, True, False]


def test_an_excluded_item_never_appears_even_if_pinned() -> None:
    items = [item(i, hours_ago=i) for i in range(1, 6)]
    edition = compose(items, edits=StaffEdits(pinned=(2,), excluded=frozenset({1, 2})))
    assert 1 not in news_ids(edition) and 2 not in news_ids(edition)
    assert edition.item_ids() == news_ids(edition)


def test_the_manual_order_is_respected_after_the_pins() -> None:
    items = [item(i, hours_ago=i) for i in range(1, 6)]
    edition = compose(items, edits=StaffEdits(pinned=(5,), order=(4, 2, 77)))
    assert news_ids(edition) == [5, 4, 2, 1, 3]


def test_pins_count_towards_the_target() -> None:
    items = [item(i, hours_ago=i) for i in range(1, 30)]
    edition = compose(
        items,
        options=ComposeOptions(target_count=5, minimum_count=0),
        edits=StaffEdits(pinned=(20, 21)),
    )
    assert len(news_ids(edition)) == 5


# --- sections ---------------------------------------------------------------------------------


def test_sections_come_in_reading_order_and_empty_ones_are_left_out() -> None:
    only_news = compose([item(1)])
    assert only_news.kinds == (SectionKind.news,)

    full = compose(
        [
            item(1),
            item(2, tags=("mayor",)),
            item(3, event_date=date(2026, 3, 20)),
        ],
        edits=StaffEdits(editorial="  Bonjour à toutes et à tous.  "),
        cafes=[UpcomingCafe(1, "Café", END + timedelta(days=3), "https://t.me/x")],
        consultations=[OpenConsultation(1, "Déclaration", END + timedelta(days=9), "https://c")],
        youth=[YouthSubmission(1, "Plus de pistes cyclables", "Léa", "Lyon", "FR", "fr")],
    )
    assert full.kinds == (
        SectionKind.editorial,
        SectionKind.news,
        SectionKind.agenda,
        SectionKind.youth,
        SectionKind.consultations,
        SectionKind.mayors,
    )
    assert full.section(SectionKind.editorial).text == "Bonjour à toutes et à tous."
    assert [p.item.id for p in full.section(SectionKind.mayors).items] == [2]


def test_agenda_lists_upcoming_events_and_cafes_by_date_and_drops_past_ones() -> None:
    items = [
        item(1, event_date=date(2026, 4, 2)),
        item(2, event_date=date(2026, 3, 12)),
        item(3, event_date=date(2026, 3, 1)),  # already happened: it is news
    ]
    cafes = [
        UpcomingCafe(7, "Café des enfants", END + timedelta(days=5), "https://t.me/c7"),
        UpcomingCafe(8, "Hier", END - timedelta(days=1), "https://t.me/c8"),
    ]
    edition = compose(items, cafes=cafes)
    agenda = edition.section(SectionKind.agenda).agenda
    assert [(e.item_id, e.cafe_id) for e in agenda] == [(2, None), (None, 7), (1, None)]
    assert news_ids(edition) == [3]


def test_closed_consultations_and_extra_youth_voices_are_left_out() -> None:
    edition = compose(
        [item(1)],
        consultations=[
            OpenConsultation(1, "Open", END + timedelta(hours=1), "https://c/1"),
            OpenConsultation(2, "Closed", END - timedelta(hours=1), "https://c/2"),
        ],
        youth=[
            YouthSubmission(1, "in English", "Sam", language="en"),
            YouthSubmission(2, "en français", "Léa", language="fr"),
            YouthSubmission(3, "encore", "Noé", language="fr"),
        ],
        options=ComposeOptions(youth_limit=2),
    )
    assert [c.id for c in edition.section(SectionKind.consultations).consultations] == [1]
    assert [y.id for y in edition.section(SectionKind.youth).youth] == [2, 3]


def test_an_empty_week_gives_an_edition_with_no_sections() -> None:
    edition = compose([item(1, hours_ago=24 * 30)])
    assert edition.sections == ()
    assert edition.spread.total == 0


# --- spread report ----------------------------------------------------------------------------


def test_the_spread_report_counts_what_the_reader_will_see() -> None:
    items = [
        item(1, city="Lyon", country="FR", networks=("francophone", "global")),
        item(2, city="Dakar", country="SN", lang="en"),
        item(3, city="Lyon", country="FR", tags=("mayor",)),
        item(4, city="Liège", country="BE", event_date=date(2026, 5, 1)),
    ]
    edition = compose(items, options=ComposeOptions(minimum_count=4))
    spread = edition.spread
    assert spread.total == 4 and spread.other_language == 1
    assert spread.countries == {"FR": 2, "BE": 1, "SN": 1}
    assert spread.cities == {"Lyon (FR)": 2, "Dakar (SN)": 1, "Liège (BE)": 1}
    assert spread.networks == {"francophone": 4, "global": 1}
    assert spread.languages == {"fr": 3, "en": 1}
    content = edition.to_content()
    assert content["spread"]["countries"] == {"FR": 2, "BE": 1, "SN": 1}
    assert [s["kind"] for s in content["sections"]] == ["news", "agenda", "mayors"]
    assert Counter(edition.item_ids()) == Counter([1, 2, 3, 4])


# --- bad input --------------------------------------------------------------------------------


def test_naive_datetimes_and_backwards_periods_are_refused() -> None:
    with pytest.raises(CompositionError, match="aware"):
        Period(datetime(2026, 3, 1), END)  # noqa: DTZ001
    with pytest.raises(CompositionError, match="before it starts"):
        Period(END, END - timedelta(days=1))
    with pytest.raises(CompositionError, match="item 1"):
        compose([item(1, published_at=datetime(2026, 3, 9))])  # noqa: DTZ001
    with pytest.raises(CompositionError, match="minimum_count"):
        ComposeOptions(target_count=3, minimum_count=5)


def test_a_series_without_networks_takes_items_from_every_network() -> None:
    items = [item(1, networks=("spain",)), item(2, networks=()), item(3, country="BE")]
    assert sorted(news_ids(compose(items, series_networks=()))) == [1, 2, 3]
