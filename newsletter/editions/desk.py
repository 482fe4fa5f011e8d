"""The editor's desk: what the staff console shows of editions and the edits its buttons make.

Every change goes through `bulletins.apply_edits` (composed and rendered again, audited), as the
bot's review (`draft_review`) and `aive bulletin edit` do. The figures for charts (spread, send
progress, stats) are plain values computed here, so the faces only draw them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.editions import review as draft_review
from newsletter.editions import service as bulletins
from newsletter.editions.edits import SUBJECT_LIMIT
from newsletter.editions.errors import EditsError
from newsletter.editions.render import editorial_html
from newsletter.editions.service import BulletinConfig
from storage.bulletins import Edition, EditionStatus
from storage.deliveries_queries import EditionStats, edition_stats

SPREAD_KINDS = ("countries", "cities", "networks", "languages")
OUTCOMES = ("accepted", "delivered", "opened", "clicked", "bounced", "complained", "unsubscribed")
BARS_SHOWN = 8


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    count: int
    share: float  # of the largest bar, 0..1: the bar's length


@dataclass(frozen=True, slots=True)
class DraftItem:
    id: int
    title: str
    left_out: bool
    pinned: bool


def bars(counts: Mapping[str, int], limit: int = BARS_SHOWN) -> list[Bar]:
    """The largest `limit` counts as bars (the rest summed as "…")."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown, rest = ordered[:limit], sum(c for _, c in ordered[limit:])
    if rest:
        shown.append(("…", rest))
    top = max((c for _, c in shown), default=0) or 1
    return [Bar(label, count, count / top) for label, count in shown]


def spread_bars(content: Mapping[str, Any]) -> dict[str, list[Bar]]:
    """{countries|cities|networks|languages: bars} of a composed edition's spread report."""
    spread = content.get("spread") or {}
    return {kind: bars(spread.get(kind) or {}) for kind in SPREAD_KINDS}


def outcome_bars(stats: EditionStats) -> list[Bar]:
    """Accepted … unsubscribed, in that order, as bars of the accepted count."""
    top = max(stats.accepted, *(getattr(stats, o) for o in OUTCOMES)) or 1
    return [Bar(o, getattr(stats, o), getattr(stats, o) / top) for o in OUTCOMES]


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)

    @property
    def finished(self) -> bool:
        return self.done >= self.total


def progress(stats: EditionStats) -> Progress:
    done = stats.accepted + stats.failed + stats.skipped
    return Progress(done, done + stats.queued + stats.sending + stats.uncertain)


async def figures(session: AsyncSession, edition: Edition) -> EditionStats:
    """The sending's figures; none for a draft or a cancelled edition (never sent: no query)."""
    if edition.status in (EditionStatus.draft, EditionStatus.cancelled):
        return EditionStats(edition.id, edition.status.value)
    return await edition_stats(session, edition.id, edition.status.value)


async def draft_items(session: AsyncSession, edition: Edition) -> list[DraftItem]:
    """The items of a draft in reading order, then those left out; pinned ones marked."""
    pinned = set(bulletins.current_edits(edition).pinned)
    return [
        DraftItem(item_id, title, left_out, item_id in pinned)
        for item_id, title, left_out in await draft_review.review_items(session, edition)
    ]


async def toggle_pin(
    session: AsyncSession, edition_id: int, item_id: int, config: BulletinConfig, actor: str
) -> Edition:
    """Pin the item (always in, first), or unpin it; a pinned item is not left out."""
    edition = await bulletins.get_edition(session, edition_id)
    edits = bulletins.current_edits(edition)
    if item_id in edits.pinned:
        pinned = tuple(i for i in edits.pinned if i != item_id)
    else:
        pinned = (*edits.pinned, item_id)
    excluded = tuple(i for i in edits.excluded if i != item_id)
    changed = replace(edits, pinned=pinned, excluded=excluded)
    return await bulletins.apply_edits(session, edition_id, changed, config=config, actor=actor)


async def move_item(
    session: AsyncSession,
    edition_id: int,
    item_id: int,
    step: int,
    config: BulletinConfig,
    actor: str,
) -> Edition:
    """Move a shown item `step` places (-1 up, +1 down) among the items shown; the new
    order is kept as the staff's order. Raises EditsError for an item the draft does not show."""
    edition = await bulletins.get_edition(session, edition_id)
    shown = draft_review.shown_item_ids(edition.content or {})
    if item_id not in shown:
        raise EditsError("order", f"item {item_id} is not in this draft")
    at = shown.index(item_id)
    to = max(0, min(len(shown) - 1, at + step))
    shown.insert(to, shown.pop(at))
    changed = replace(bulletins.current_edits(edition), order=tuple(shown))
    return await bulletins.apply_edits(session, edition_id, changed, config=config, actor=actor)


async def set_subject(
    session: AsyncSession, edition_id: int, subject: str, config: BulletinConfig, actor: str
) -> Edition:
    """Replace the draft's subject (empty: the default one). Raises EditsError when it is too
    long or not one line."""
    subject = subject.strip()
    if len(subject) > SUBJECT_LIMIT:
        raise EditsError("subject", f"must be at most {SUBJECT_LIMIT} characters")
    if "\n" in subject or "\r" in subject:
        raise EditsError("subject", "must be a single line")
    edition = await bulletins.get_edition(session, edition_id)
    changed = replace(bulletins.current_edits(edition), subject=subject or None)
    return await bulletins.apply_edits(session, edition_id, changed, config=config, actor=actor)


def editorial_preview(text: str) -> str:
    """The editorial's Markdown as the email shows it (raw HTML in it is shown as text)."""
    # the page's own style sheet spaces the paragraphs (its policy refuses inline styles)
    return str(editorial_html(text)).replace(' style="margin:0 0 12px"', "")
