"""The sender process of the crash-safety test, forked from a process that imported it once.

`python -m … DATABASE_URL SENDGRID_URL EDITION` imports the sender and waits. Each `run` line on
its standard input forks a child that sends the edition to the end and exits 0; it prints
`pid N` at once, the child prints `started` once its engine exists, and `exit CODE` follows
when the child ends (`-9` when it was killed with SIGKILL, as `Popen.returncode` says). A fork
costs a few milliseconds where a fresh interpreter spends a second or more on imports, and the
test kills twenty of them.
"""

from __future__ import annotations

import asyncio
import os
import sys

from newsletter.delivery.recipients import CachedLinks
from newsletter.delivery.sender import Sender, SenderConfig
from newsletter.delivery.sendgrid_backend import SendGridBackend
from storage.engine import create_engine, create_session_factory


class _Settings:
    public_url = "https://aive.example"

    def signing_key(self) -> str:
        return "crash-test-key"


async def send(database_url: str, sendgrid_url: str, edition_id: int) -> None:
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    backend = SendGridBackend("SG.crash", host=sendgrid_url, timeout=10)
    sender = Sender(
        sessions,
        backend,
        CachedLinks(_Settings()),
        "AIVE <bulletin@example.org>",
        config=SenderConfig(batch_size=1000),
    )
    print("started", flush=True)  # noqa: T201
    await sender.send_edition(edition_id)
    await engine.dispose()


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def serve(database_url: str, sendgrid_url: str, edition_id: int) -> None:
    """Fork one sender per `run` line; no event loop or thread exists here, so forking is safe."""
    for line in sys.stdin:
        if line.strip() != "run":
            continue
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                asyncio.run(send(database_url, sendgrid_url, edition_id))
            except BaseException as exc:  # the test reads the exit code, and this line
                _say(f"failed {exc!r}")
                code = 1
            finally:
                os._exit(code)
        _say(f"pid {pid}")
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        _say(f"exit {code}")


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2], int(sys.argv[3]))
