"""The storage package's exception tree."""


class StorageError(Exception):
    """Base of every error raised by storage."""


class NotFound(StorageError):
    """A row the caller named does not exist."""
