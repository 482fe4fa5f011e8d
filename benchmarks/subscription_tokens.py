"""Per-recipient link cost: `unsubscribe_url` + `preferences_url`, as the delivery engine calls
them once per recipient. Baseline, measured in the same run: one bare HMAC-SHA256 over the same
payload (the least any signed link can cost)."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from newsletter.subscriptions.tokens import preferences_url, unsubscribe_url

N = 100_000


@dataclass(frozen=True)
class Keys:
    public_url: str = "https://news.example.org"

    def signing_key(self) -> str:
        return "x" * 64


@dataclass(frozen=True)
class Sub:
    id: int
    email_key: str


def main() -> None:
    keys = Keys()
    subscribers = [Sub(i, f"person{i}@example.org") for i in range(N)]
    start = time.perf_counter()
    for s in subscribers:
        hmac.new(b"x" * 64, f"{s.id}:{s.email_key}".encode(), hashlib.sha256).hexdigest()
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    for s in subscribers:
        unsubscribe_url(keys, s)
        preferences_url(keys, s)
    links = time.perf_counter() - start
    print(f"{N:,} recipients")
    print(f"baseline, one bare HMAC-SHA256 each: {baseline:.3f} s ({baseline / N * 1e6:.1f} µs)")
    print(f"unsubscribe_url + preferences_url:   {links:.3f} s ({links / N * 1e6:.1f} µs)")
    print(f"ratio: {links / baseline:.1f}x the bare HMAC")


if __name__ == "__main__":
    main()
