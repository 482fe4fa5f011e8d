"""What every command needs: settings (exit 2 when invalid), an engine, a way to run async code.

Light to import: the database layer and rich load when a command first uses them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from functools import cache
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from app.cli.i18n import _
from app.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from rich.console import Console

    from storage.engine import SessionFactory

T = TypeVar("T")


def settings_or_exit() -> Settings:
    """Settings, or one line on stderr naming the bad variable and exit 2."""
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(_("configuration error: {problem}", problem=exc), err=True)
        raise typer.Exit(2) from None


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[SessionFactory]:
    from storage.engine import create_engine, create_session_factory

    engine = create_engine(settings.database_url)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


def with_sessions(settings: Settings, action: Callable[[SessionFactory], Awaitable[T]]) -> T:
    """Run `action(sessions)` against the configured database and return its result."""

    async def _go() -> T:
        async with database(settings) as sessions:
            return await action(sessions)

    return run(_go())


def print_json(document: Any) -> None:
    """Exactly one JSON document on stdout."""
    typer.echo(json.dumps(document, ensure_ascii=False, default=str, indent=2))


@cache
def console() -> Console:
    """The terminal that tables and progress bars go to (stdout)."""
    from rich.console import Console

    return Console()


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    console().print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    return str(value)
