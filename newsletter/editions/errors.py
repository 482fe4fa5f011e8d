"""The exception tree of the bulletin service; each message is one sentence for staff."""

from __future__ import annotations


class BulletinError(Exception):
    """Base of every error of the bulletin service."""


class NotFoundError(BulletinError):
    """A series or an edition named by the caller does not exist."""


class EditionLocked(BulletinError):
    """The edition is past the status that allows this change (e.g. edit an approved one)."""


class EmptyEdition(BulletinError):
    """The edition has no item left (all were left out, say): there is nothing to approve."""


class NoNews(BulletinError):
    """The period brought no news item: no draft is made unless staff ask for an empty one."""


class EditsError(BulletinError):
    """A staff edit is invalid; `field` names the field (or "(document)")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
