"""Activity feeds: fetch over HTTP (or from disk), parse, sanitize, normalize.

Pure core: `parse_feed` (bytes → `ParsedFeed` of `FeedEntry`) and `next_attempt` (backoff).
I/O edge: `Fetcher` (aiohttp) returning `FetchResult`s. Storage and CLI wiring live elsewhere.
"""

from newsletter.feeds.backoff import next_attempt
from newsletter.feeds.errors import BodyTooLarge, FeedError, FetchError, RedirectError
from newsletter.feeds.fetch import Fetcher, FetchLimits, FetchRequest, FetchResult, FetchStatus
from newsletter.feeds.parse import FeedEntry, ParsedFeed, parse_feed

__all__ = [
    "BodyTooLarge",
    "FeedEntry",
    "FeedError",
    "FetchError",
    "FetchLimits",
    "FetchRequest",
    "FetchResult",
    "FetchStatus",
    "Fetcher",
    "ParsedFeed",
    "RedirectError",
    "next_attempt",
    "parse_feed",
]
