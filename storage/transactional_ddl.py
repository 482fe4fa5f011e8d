"""Schema changes in real transactions on SQLite, so a killed migration leaves nothing behind.

Python's sqlite3 (and aiosqlite on top of it) emits BEGIN only before INSERT, UPDATE and DELETE:
a CREATE TABLE outside such a transaction is committed at once. A migration killed half-way then
leaves tables that its version row does not account for, and the next upgrade fails with "table
... already exists". SQLAlchemy's documented recipe (SQLite dialect docs, "Enabling Non-Legacy
SQLite Transactional Modes") takes transaction control from the driver: isolation_level None on
the DBAPI connection, and a BEGIN emitted by a ``begin`` event. PostgreSQL needs none of this.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection

from storage.errors import StorageError


class BrokenReferencesError(StorageError, RuntimeError):
    """A migration left rows whose foreign keys point nowhere."""


@contextmanager
def transactional_ddl(connection: Connection) -> Iterator[None]:
    """Until exit, every transaction begun on `connection` (SQLite) is a real one, DDL included.

    The transactions begin with BEGIN IMMEDIATE: they take the write lock at once (waiting up to
    the busy timeout for another writer), as a migration is going to write anyway. Foreign keys
    are not enforced meanwhile, as SQLite's procedure for schema changes asks (a batch migration
    copies a table, drops the old one and renames the copy: enforced, the drop would cascade);
    call `check_references` before a transaction commits. On exit the connection goes back to
    what it was, for the pool. `connection` must not be in a transaction when this starts.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    if connection.in_transaction():
        raise RuntimeError("transactional_ddl needs a connection outside any transaction")
    dbapi_connection: Any = connection.connection.dbapi_connection
    isolation_level = dbapi_connection.isolation_level
    foreign_keys = _pragma(dbapi_connection, "PRAGMA foreign_keys")
    _pragma(dbapi_connection, "PRAGMA foreign_keys=OFF")  # a no-op inside a transaction
    dbapi_connection.isolation_level = None
    event.listen(connection, "begin", _begin_immediate)
    try:
        yield
    finally:
        event.remove(connection, "begin", _begin_immediate)
        if connection.in_transaction():
            connection.rollback()
        dbapi_connection.isolation_level = isolation_level
        _pragma(dbapi_connection, f"PRAGMA foreign_keys={foreign_keys[0][0]}")


def check_references(connection: Connection) -> None:
    """Raise BrokenReferencesError if a row's foreign key points nowhere (SQLite only)."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise BrokenReferencesError(
            f"{len(broken)} rows of {', '.join(tables)} refer to rows that do not exist"
        )


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _pragma(dbapi_connection: Any, statement: str) -> list[Any]:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(statement)
        return list(cursor.fetchall())
    finally:
        cursor.close()
