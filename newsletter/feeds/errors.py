"""The feeds package's exceptions: one tree, each `str()` a single sentence for staff.

Parsing never raises for bad documents (it reports `ParsedFeed.error`); fetching reports
problems in `FetchResult.error`. These exceptions travel inside the fetcher and reach callers
only for programming errors (a bad argument).
"""

from __future__ import annotations

from newsletter.errors import NewsletterError


class FeedError(NewsletterError):
    """Base of every error raised by newsletter.feeds."""


class FetchError(FeedError):
    """A feed could not be fetched (network, HTTP status, limits)."""


class BodyTooLarge(FetchError):
    """The response body went past the configured maximum size."""


class RedirectError(FetchError):
    """Redirects looped, were too many, or pointed somewhere we do not follow."""
