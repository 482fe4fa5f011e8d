"""Multiprocess mode of prometheus-client: every process of the Procfile writes its samples to
files in one directory, and `/metrics` (in any web process) reads them all.

`prepare(directory)` must run before anything imports prometheus_client (the library picks its
storage when the first metric is defined), so this module does not import it at the top.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"
_LIVE_FILE = re.compile(r"^gauge_live\w*?_(\d+)\.db$")


def prepare(directory: Path) -> Path:
    """Use `directory` (unless PROMETHEUS_MULTIPROC_DIR is already set), create it, forget the
    live gauges of processes that are gone (a SIGKILL leaves them), and forget ours at exit."""
    chosen = Path(os.environ.setdefault(ENV, str(directory.resolve())))
    chosen.mkdir(parents=True, exist_ok=True)
    from prometheus_client import multiprocess

    for pid in dead_processes(chosen):
        multiprocess.mark_process_dead(pid, str(chosen))
    atexit.register(multiprocess.mark_process_dead, os.getpid(), str(chosen))
    return chosen


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def dead_processes(directory: Path) -> set[int]:
    """Process ids with live-gauge files in `directory` that no longer run."""
    pids = set()
    for path in directory.glob("gauge_live*.db"):
        match = _LIVE_FILE.match(path.name)
        if match and not _running(int(match.group(1))):
            pids.add(int(match.group(1)))
    return pids


def _running(pid: int) -> bool:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, 0)
        return True
    return False
