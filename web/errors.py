"""The root of the web face's own exceptions.

Routes translate the domain's errors (`NewsletterError`, `EngagementError`, storage's
`NotFound`, …) into a page in the visitor's language; an error that belongs to the web face
itself (a console form it cannot accept, say) derives from `WebError`.
"""

from __future__ import annotations


class WebError(Exception):
    """Base of every error the web face raises on purpose."""
