"""Compose a bulletin edition from plain values: a short pipeline read top to bottom.

1. eligible: not excluded, published in the period, in one of the series' networks
   (no series networks = every network); one item per URL (the best ranked).
2. pinned items go in first, in pin order, whatever their period, network, language or city.
3. the rest is picked in the edition's language, ranked and spread (see `ranking`),
   up to `target_count`; only if that leaves fewer than `minimum_count` items are items in other
   languages picked, up to `minimum_count`.
4. order: pins, then the staff's manual order, then the order in which items were picked.
5. placement: an item whose event date falls after the edition's date goes to the agenda (sorted
   by date, with the upcoming cafés), an item tagged `mayor` to the mayors' voice, any other to
   the news. Open consultations and approved youth submissions get their own sections; empty
   sections are left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from newsletter.editions.ranking import SpreadTracker, city_key, pick_diverse, rank
from newsletter.editions.values import (
    SECTION_ORDER,
    AgendaEntry,
    CandidateItem,
    ComposedEdition,
    ComposeOptions,
    CompositionError,
    OpenConsultation,
    Period,
    PlacedItem,
    Section,
    SectionKind,
    Spread,
    StaffEdits,
    UpcomingCafe,
    YouthSubmission,
    base_language,
    is_other_language,
    require_aware,
)

MAYOR_TAG = "mayor"


def compose_edition(
    candidates: Iterable[CandidateItem],
    *,
    language: str,
    period: Period,
    series_networks: Sequence[str] = (),
    options: ComposeOptions | None = None,
    edits: StaffEdits | None = None,
    cafes: Sequence[UpcomingCafe] = (),
    consultations: Sequence[OpenConsultation] = (),
    youth: Sequence[YouthSubmission] = (),
    edition_date: datetime | None = None,
) -> ComposedEdition:
    """Choose, order and place the items of one edition in `language` for `period`.

    `edition_date` (default: the end of the period) decides what is "upcoming" in the agenda and
    which consultations are still open. Raises `CompositionError` on a naive datetime.
    """
    options = options or ComposeOptions()
    edits = edits or StaffEdits()
    edition_date = edition_date or period.end
    require_aware(edition_date, "edition date")
    language = base_language(language)
    items = list(candidates)
    for item in items:
        require_aware(item.published_at, f"published_at of item {item.id}")

    pinned = _pinned(items, edits)
    eligible = _eligible(items, period, series_networks, edits, pinned)
    ranked = _one_per_url(rank(eligible, period.end, options), pinned)

    tracker = SpreadTracker(frozenset(series_networks), options)
    for item in pinned:
        tracker.add(item)
    same = [pair for pair in ranked if not is_other_language(pair[1].language, language)]
    other = [pair for pair in ranked if is_other_language(pair[1].language, language)]
    picked = pick_diverse(same, tracker, options.target_count - len(pinned))
    shortfall = options.minimum_count - len(pinned) - len(picked)
    picked += pick_diverse(other, tracker, shortfall)

    ordered = pinned + _manual_order(picked, edits.order)
    pinned_ids = {item.id for item in pinned}
    placed = [
        PlacedItem(item, is_other_language(item.language, language), item.id in pinned_ids)
        for item in ordered
    ]
    sections = _sections(
        placed, language, edition_date, options, edits, cafes, consultations, youth
    )
    return ComposedEdition(
        language=language,
        period=period,
        edition_date=edition_date,
        sections=sections,
        spread=_spread(placed),
        edits=edits,
    )


def _pinned(items: list[CandidateItem], edits: StaffEdits) -> list[CandidateItem]:
    by_id = {item.id: item for item in items}
    seen: set[int] = set()
    pinned: list[CandidateItem] = []
    for item_id in edits.pinned:
        if item_id in by_id and item_id not in edits.excluded and item_id not in seen:
            seen.add(item_id)
            pinned.append(by_id[item_id])
    return pinned


def _eligible(
    items: list[CandidateItem],
    period: Period,
    series_networks: Sequence[str],
    edits: StaffEdits,
    pinned: list[CandidateItem],
) -> list[CandidateItem]:
    networks = set(series_networks)
    pinned_ids = {item.id for item in pinned}
    return [
        item
        for item in items
        if item.id not in edits.excluded
        and item.id not in pinned_ids
        and period.contains(item.published_at)
        and (not networks or networks.intersection(item.networks))
    ]


def _one_per_url(
    ranked: list[tuple[float, CandidateItem]], pinned: list[CandidateItem]
) -> list[tuple[float, CandidateItem]]:
    """The same story syndicated by several feeds appears once (its best ranked copy)."""
    seen = {_url_key(item.url) for item in pinned}
    kept: list[tuple[float, CandidateItem]] = []
    for score, item in ranked:
        key = _url_key(item.url)
        if key in seen:
            continue
        seen.add(key)
        kept.append((score, item))
    return kept


def _url_key(url: str) -> str:
    return url.strip().rstrip("/").removeprefix("https://").removeprefix("http://").lower()


def _manual_order(picked: list[CandidateItem], order: Sequence[int]) -> list[CandidateItem]:
    position = {item_id: index for index, item_id in enumerate(dict.fromkeys(order))}
    first = sorted((i for i in picked if i.id in position), key=lambda i: position[i.id])
    return first + [i for i in picked if i.id not in position]


def _sections(
    placed: list[PlacedItem],
    language: str,
    edition_date: datetime,
    options: ComposeOptions,
    edits: StaffEdits,
    cafes: Sequence[UpcomingCafe],
    consultations: Sequence[OpenConsultation],
    youth: Sequence[YouthSubmission],
) -> tuple[Section, ...]:
    today = edition_date.date()
    news: list[PlacedItem] = []
    mayors: list[PlacedItem] = []
    agenda: list[AgendaEntry] = []
    for entry in placed:
        item = entry.item
        if item.event_date is not None and item.event_date > today:
            agenda.append(_agenda_from_item(entry))
        elif MAYOR_TAG in item.tags:
            mayors.append(entry)
        else:
            news.append(entry)
    for cafe in cafes:
        require_aware(cafe.starts_at, f"start of café {cafe.id}")
        if cafe.starts_at >= edition_date:
            agenda.append(_agenda_from_cafe(cafe, language))
    agenda.sort(key=lambda e: (e.day, e.title))

    still_open = [c for c in consultations if _closes_after(c, edition_date)]
    # the edition's language first, otherwise in the order given (the wiring gives newest first)
    voices = sorted(youth, key=lambda y: _foreign(y.language, language))
    editorial = (edits.editorial or "").strip()

    built = {
        SectionKind.editorial: Section(SectionKind.editorial, text=editorial),
        SectionKind.news: Section(SectionKind.news, items=tuple(news)),
        SectionKind.agenda: Section(SectionKind.agenda, agenda=tuple(agenda)),
        SectionKind.youth: Section(SectionKind.youth, youth=tuple(voices[: options.youth_limit])),
        SectionKind.consultations: Section(
            SectionKind.consultations, consultations=tuple(still_open)
        ),
        SectionKind.mayors: Section(SectionKind.mayors, items=tuple(mayors)),
    }
    return tuple(built[kind] for kind in SECTION_ORDER if _has_content(built[kind]))


def _closes_after(consultation: OpenConsultation, moment: datetime) -> bool:
    require_aware(consultation.closes_at, f"closing time of consultation {consultation.id}")
    return consultation.closes_at > moment


def _foreign(code: str, language: str) -> bool:
    """Unknown language ("") is not flagged: cafés and youth voices often do not say."""
    return bool(code) and is_other_language(code, language)


def _has_content(section: Section) -> bool:
    return bool(
        section.text or section.items or section.agenda or section.youth or section.consultations
    )


def _agenda_from_item(entry: PlacedItem) -> AgendaEntry:
    item = entry.item
    assert item.event_date is not None
    return AgendaEntry(
        when=item.event_date,
        title=item.title,
        url=item.url,
        city=item.city,
        country=item.country,
        language=item.language,
        other_language=entry.other_language,
        item_id=item.id,
    )


def _agenda_from_cafe(cafe: UpcomingCafe, language: str) -> AgendaEntry:
    return AgendaEntry(
        when=cafe.starts_at,
        title=cafe.title,
        url=cafe.url,
        city=cafe.city,
        country=cafe.country,
        language=cafe.language,
        other_language=_foreign(cafe.language, language),
        cafe_id=cafe.id,
    )


def _spread(placed: list[PlacedItem]) -> Spread:
    items = [p.item for p in placed]
    return Spread(
        countries=_by_count(i.country.upper() for i in items if i.country),
        cities=_by_count(city_key(i) for i in items if i.city),
        networks=_by_count(n for i in items for n in i.networks),
        languages=_by_count(base_language(i.language) or "und" for i in items),
        total=len(items),
        other_language=sum(1 for p in placed if p.other_language),
    )


def _by_count(values: Iterable[str]) -> Mapping[str, int]:
    counts = Counter(values)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


__all__ = ["CompositionError", "compose_edition"]
