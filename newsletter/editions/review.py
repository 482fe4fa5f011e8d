"""Reviewing a draft without the command line (the staff's bot uses these): the drafts waiting,
the items a draft shows or leaves out, leaving one out or putting it back, the editorial.

Every change goes through `bulletins.apply_edits`, so the draft is composed and rendered again
and the change is audited, exactly as `aive bulletin edit` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.editions import service as bulletins
from newsletter.editions.errors import EditsError
from newsletter.editions.service import BulletinConfig
from storage import bulletins_queries, feeds_queries
from storage.bulletins import Edition

EDITORIAL_LIMIT = 3000  # characters: a few paragraphs opening the bulletin
DRAFTS_SHOWN = 10


async def drafts_waiting(session: AsyncSession, limit: int = DRAFTS_SHOWN) -> list[Edition]:
    """The newest drafts first."""
    return await bulletins_queries.newest_drafts(session, limit)


def shown_item_ids(content: dict[str, Any]) -> list[int]:
    """The feed items a composed edition shows (news, mayors, agenda), in order, once each."""
    found: list[int] = []
    for section in content.get("sections", ()):
        found += [int(i) for i in section.get("items", ())]
        found += [int(e["item"]) for e in section.get("agenda", ()) if e.get("item") is not None]
    return list(dict.fromkeys(found))


def item_count(edition: Edition) -> int:
    return len(shown_item_ids(edition.content or {}))


def approval_needs_confirmation(edition: Edition) -> bool:
    """True when the edition shows no news item but has something to send (an editorial, the
    agenda, a consultation): staff confirm before approving it, as `aive bulletin approve`
    asks without --yes. An edition with nothing at all is refused by `approve` itself."""
    content = edition.content or {}
    return bool(content.get("sections")) and bulletins.news_count(content) == 0


async def item_titles(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    return await feeds_queries.item_titles(session, list(ids))


async def review_items(session: AsyncSession, edition: Edition) -> list[tuple[int, str, bool]]:
    """(item id, title, left out) for the items shown, then the ones staff left out."""
    shown = shown_item_ids(edition.content or {})
    excluded = [i for i in bulletins.current_edits(edition).excluded if i not in shown]
    titles = await item_titles(session, [*shown, *excluded])
    return [(i, titles.get(i, f"#{i}"), False) for i in shown] + [
        (i, titles.get(i, f"#{i}"), True) for i in excluded
    ]


async def toggle_item(
    session: AsyncSession, edition_id: int, item_id: int, config: BulletinConfig, actor: str
) -> Edition:
    """Leave the item out of the draft, or put it back if it was left out; composes again.
    Raises `EditionLocked` if the edition is no longer a draft."""
    edition = await bulletins.get_edition(session, edition_id)
    edits = bulletins.current_edits(edition)
    excluded: Sequence[int] = edits.excluded
    if item_id in excluded:
        excluded = tuple(i for i in excluded if i != item_id)
    else:
        excluded = (*excluded, item_id)
    pinned = tuple(i for i in edits.pinned if i not in excluded)
    changed = replace(edits, excluded=tuple(excluded), pinned=pinned)
    return await bulletins.apply_edits(session, edition_id, changed, config=config, actor=actor)


async def set_editorial(
    session: AsyncSession, edition_id: int, text: str, config: BulletinConfig, actor: str
) -> Edition:
    """Replace the draft's editorial (empty: none); composes again. Raises `EditsError` when
    it is longer than EDITORIAL_LIMIT, `EditionLocked` if it is no longer a draft."""
    text = text.strip()
    if len(text) > EDITORIAL_LIMIT:
        raise EditsError("editorial", f"at most {EDITORIAL_LIMIT} characters ({len(text)} given)")
    edition = await bulletins.get_edition(session, edition_id)
    edits = replace(bulletins.current_edits(edition), editorial=text or None)
    return await bulletins.apply_edits(session, edition_id, edits, config=config, actor=actor)
