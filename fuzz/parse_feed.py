"""Coverage-guided fuzzing of `newsletter.feeds.parse_feed` with atheris: its contract is that it
never raises, whatever the bytes. `make fuzz` runs it for FUZZ_SECONDS (default 300).

    .venv/bin/python fuzz/parse_feed.py -max_total_time=300 var/fuzz-corpus

A crashing input is written to `var/fuzz/crash-<sha1>` (see the Makefile): keep it as a regression
test under tests/newsletter/feeds/fuzz_inputs/.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import atheris

with atheris.instrument_imports(include=["newsletter", "feedparser", "nh3", "sgmllib"]):
    from newsletter.feeds import parse_feed

FETCHED_AT = datetime(2026, 12, 1, tzinfo=UTC)


def one_input(data: bytes) -> None:
    parse_feed(data, "https://example.org/feed.xml", fetched_at=FETCHED_AT)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
