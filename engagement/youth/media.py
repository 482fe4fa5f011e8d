"""A young person's photo or voice note, as staff see it in the console.

Telegram keeps the bytes; we keep the `file_id`. The console fetches a file once (the caller
passes the download: the Bot API's getFile, then the file URL) and keeps it in a private
folder, one file per idea, readable by the server's user only. The copy goes when the author
is forgotten (`service.forget_youth`). No I/O to Telegram here, no aiogram.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from storage.youth import MediaKind, YouthSubmission

Download = Callable[[str], Awaitable[bytes]]


class MediaUnavailable(Exception):
    """Telegram would not give the file (unknown file_id, network down, not configured)."""


class MediaShelf:
    """The cached photos and voice notes, under `root` (created on first use, mode 0700)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._locks: dict[int, asyncio.Lock] = {}

    def path(self, submission_id: int) -> Path:
        return self.root / f"{int(submission_id)}.media"

    async def fetch(self, submission: YouthSubmission, download: Download) -> bytes:
        """The idea's media: from the shelf, else downloaded once and kept. Two staff opening
        the queue at once make one download. Raises MediaUnavailable (also when the idea has
        no media)."""
        if not submission.media_file_id:
            raise MediaUnavailable(f"idea {submission.id} has no photo or voice note")
        lock = self._locks.setdefault(submission.id, asyncio.Lock())
        async with lock:
            kept = await asyncio.to_thread(self._read, submission.id)
            if kept is not None:
                return kept
            data = await download(submission.media_file_id)
            await asyncio.to_thread(self._write, submission.id, data)
            return data

    async def erase(self, submission_ids: Iterable[int]) -> int:
        """Delete the copies of these ideas; how many there were."""
        return await asyncio.to_thread(self._erase, list(submission_ids))

    def _read(self, submission_id: int) -> bytes | None:
        try:
            return self.path(submission_id).read_bytes()
        except FileNotFoundError:
            return None

    def _write(self, submission_id: int, data: bytes) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = self.path(submission_id)
        partial = target.with_suffix(f".{os.getpid()}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(partial, target)  # readers never see half a file

    def _erase(self, submission_ids: list[int]) -> int:
        gone = 0
        for submission_id in submission_ids:
            try:
                self.path(submission_id).unlink()
                gone += 1
            except FileNotFoundError:
                pass
        return gone


IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF8", "image/gif"),
)


def media_type(kind: MediaKind | None, data: bytes) -> str:
    """The content type to serve: Telegram sends photos as JPEG and voice notes as OGG/Opus;
    anything else is served as bytes (the browser will not guess: nosniff)."""
    if kind is MediaKind.voice:
        return "audio/ogg"
    if kind is MediaKind.photo:
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return "image/webp"
        for signature, content_type in IMAGE_SIGNATURES:
            if data.startswith(signature):
                return content_type
    return "application/octet-stream"
