"""Every file of feedparser's own test corpus goes through parse_feed, and nothing unsafe survives.

The corpus lives outside the repository: AIVE_FEED_CORPUS, or `../shared/corpora/feedparser`
relative to the repository root (CI clones the repository with `shared/` beside it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsletter.feeds import parse_feed
from tests.newsletter.feeds.safety import feed_problems

REPO_ROOT = Path(__file__).resolve().parents[3]
CORPUS = Path(
    os.environ.get("AIVE_FEED_CORPUS", REPO_ROOT.parent / "shared" / "corpora" / "feedparser")
)
if not CORPUS.is_absolute():
    CORPUS = REPO_ROOT / CORPUS


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and not p.name.startswith("LICENSE"))


@pytest.fixture(scope="module")
def files() -> list[Path]:
    found = corpus_files()
    if not found:
        pytest.skip(f"feed corpus not found at {CORPUS} (set AIVE_FEED_CORPUS to its path)")
    return found


def test_every_corpus_file_parses_without_exception_and_leaves_nothing_unsafe(
    files: list[Path],
) -> None:
    failures: list[str] = []
    entries = 0
    for path in files:
        url = "https://corpus.example/" + path.relative_to(CORPUS).as_posix()
        try:
            feed = parse_feed(path.read_bytes(), url)
        except Exception as error:
            failures.append(f"{path.name}: raised {error!r}")
            continue
        entries += len(feed.entries)
        if feed.error is not None and ("\n" in feed.error or not feed.error.strip()):
            failures.append(f"{path.name}: error is not one line: {feed.error!r}")
        failures.extend(f"{path.name}: {problem}" for problem in feed_problems(feed))

    assert failures == []
    assert len(files) > 2000 and entries > 1000  # the corpus was really read


def test_corpus_sanitize_cases_carried_payloads(files: list[Path]) -> None:
    """The check above is only meaningful if the corpus really held scripts and handlers."""
    raw = b"".join(p.read_bytes() for p in files if "sanitize" in p.parts)

    assert b"script" in raw.lower()
    assert b"onabort" in raw.lower() or b"onclick" in raw.lower()
    assert b"javascript:" in raw.lower()
