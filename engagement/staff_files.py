"""Files that a staff file names (a café's `evaluation: evaluation.yaml`): read only from the
folder of the file that names them, only if regular, only up to a size."""

from __future__ import annotations

import stat
from pathlib import Path

from engagement.problems import N_

MAX_BYTES = 1024 * 1024


class StaffFileError(ValueError):
    """Why a named file is not read; `reason` is a message id (with `{file}`, `{limit}`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_beside(folder: Path, name: str, max_bytes: int = MAX_BYTES) -> str:
    """The UTF-8 text of `name`, a file in `folder` (or below it). StaffFileError when it leads
    outside the folder, is not a regular file (a device, a pipe, a folder) or is larger than
    `max_bytes`; OSError or UnicodeDecodeError when it cannot be read."""
    base = folder.resolve()
    path = (base / name).resolve()  # symlinks followed: where it really leads
    if not path.is_relative_to(base):
        raise StaffFileError(N_("must name a file in the same folder as the café file"))
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise StaffFileError(N_("{file} is not a regular file"))
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)  # the file may grow after stat()
    if len(data) > max_bytes:
        raise StaffFileError(N_("{file} is larger than {limit} KB"))
    return data.decode("utf-8")
