"""The root of the newsletter domain's exception tree.

Feeds (`FeedError`, `OpmlError`, `SourceError`), editions (`BulletinError`, `RenderError`,
`CompositionError`, `CadenceError`), delivery (`DeliveryError`, `EventError`) and
subscriptions (`SubscriptionError`, `AddressError`, `TokenError`, `MailerError`) all derive
from `NewsletterError`. A row the caller named that does not exist is storage's `NotFound`.
"""

from __future__ import annotations


class NewsletterError(Exception):
    """Base of every error the newsletter domain raises on purpose."""
