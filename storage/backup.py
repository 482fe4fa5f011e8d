"""Copy the database to a file and back, whichever database it is.

SQLite: the online backup API (`sqlite3.Connection.backup`), consistent while the processes
write. PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists
--single-transaction` (all or nothing), the password passed in PGPASSWORD, never on the command
line. Raises BackupError with one sentence for the operator: a template marked for the
catalogs (`N_`) and its values, which the terminal shows in the operator's language.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

PG_CLIENT = "postgresql-client"  # the Debian/Ubuntu package with pg_dump and pg_restore
SQLITE_HEADER = b"SQLite format 3\x00"


def N_(message: str) -> str:  # marks a message for the catalogs (app/locales, domain cli_db)
    return message


class BackupError(Exception):
    """The backup or restore could not be done: `template` (an English sentence with
    `{name}` fields) and `values` say why; `str()` is the English sentence."""

    def __init__(self, template: str, **values: Any) -> None:
        super().__init__(template.format(**values))
        self.template = template
        self.values = values


def backup(database_url: str, target: Path) -> None:
    """Write a consistent copy of the database at `database_url` to `target` (replaced)."""
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_path(url, must_exist=True), target)
    else:
        _pg("pg_dump", url, ["--format=custom", "--no-owner", f"--file={target}"])


def restore(database_url: str, source: Path) -> None:
    """Replace the content of the database at `database_url` by the backup in `source`."""
    if not source.is_file():
        raise BackupError(N_("no such file: {source}"), source=source)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with source.open("rb") as file:
            if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise BackupError(
                    N_("{source} is not a SQLite database (made by aive db backup?)"),
                    source=source,
                )
        _sqlite_copy(source, _sqlite_path(url, must_exist=False))
    else:
        options = ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)]
        _pg("pg_restore", url, options)


def _sqlite_path(url: URL, *, must_exist: bool) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError(N_("an in-memory SQLite database cannot be backed up or restored"))
    path = Path(url.database)
    if must_exist and not path.is_file():
        raise BackupError(N_("no database at {path} (AIVE_DATABASE_URL)"), path=path)
    return path


def _sqlite_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupError(
            N_("SQLite could not copy {source} to {target}: {reason}"),
            source=source,
            target=target,
            reason=exc,
        ) from None


def _pg(tool: str, url: URL, options: list[str]) -> None:
    program = shutil.which(tool)
    if program is None:
        raise BackupError(
            N_(
                "{tool} is not installed: install the PostgreSQL client tools ({package}, the "
                "server's major version or newer)"
            ),
            tool=tool,
            package=PG_CLIENT,
        )
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args = [program, f"--dbname={url.database}", *options]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit {result.returncode}"
        raise BackupError(N_("{tool} failed: {reason}"), tool=tool, reason=reason)
