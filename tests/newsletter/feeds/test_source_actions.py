"""Staff actions on feed sources (the console and the CLI make the same calls)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from newsletter.feeds.opml import OpmlError, parse_opml
from newsletter.feeds.sources import (
    SourceError,
    add_source,
    fetch_soon,
    import_opml_sources,
    set_enabled,
    source_status,
)
from storage.audit import AuditEvent
from storage.engine import SessionFactory
from storage.feeds import SourceStatus
from storage.seed import load_seed
from tests.newsletter.bulletin_samples import NOW

OPML = b"""<?xml version="1.0"?>
<opml version="2.0"><body>
  <outline text="Lisboa" xmlUrl="https://lisboa.example.pt/feed" language="pt" category="portugal"/>
  <outline text="Nowhere" xmlUrl="https://x.example.org/feed" category="atlantis"/>
  <outline text="Disk" xmlUrl="file:///etc/passwd"/>
</body></opml>"""


async def test_opml_import_keeps_good_outlines_and_reports_the_others(
    sessions: SessionFactory,
) -> None:
    async with sessions() as s:
        await load_seed(s)
        result = await import_opml_sources(s, parse_opml(OPML), actor="staff:ines")
        await s.commit()
        assert (result.added, result.updated) == (1, 0)
        assert len(result.errors) == 2
        assert any("atlantis" in e for e in result.errors)
        assert any("not an http(s) URL" in e for e in result.errors)
        [row] = await source_status(s)
        assert (row.url, row.language, row.networks) == (
            "https://lisboa.example.pt/feed",
            "pt",
            ["portugal"],
        )


def test_a_file_that_is_not_opml_is_refused_whole() -> None:
    with pytest.raises(OpmlError, match="expected <opml>"):
        parse_opml(b"<rss/>")
    with pytest.raises(OpmlError, match="not well-formed"):
        parse_opml(b"<opml")


async def test_disable_enable_and_fetch_now_are_audited(sessions: SessionFactory) -> None:
    async with sessions() as s:
        source, _ = await add_source(s, "https://a.example.org/feed", actor="staff")
        await s.commit()
        await set_enabled(s, source.id, False, "staff:ines", NOW)
        await s.commit()
        assert source.status is SourceStatus.disabled
        with pytest.raises(SourceError, match="disabled"):
            await fetch_soon(s, source.id, "staff:ines", NOW)
        await set_enabled(s, source.id, True, "staff:ines", NOW)
        await fetch_soon(s, source.id, "staff:ines", NOW)
        await s.commit()
        assert source.next_fetch_at == NOW
        with pytest.raises(SourceError, match="no source"):
            await fetch_soon(s, 999, "staff", NOW)
        actions = (await s.scalars(select(AuditEvent.action).order_by(AuditEvent.id))).all()
    assert actions == [
        "feeds.source_added",
        "feeds.source_disabled",
        "feeds.source_enabled",
        "feeds.fetch_requested",
    ]
