"""What the staff commands print, written once: a list as a table or one JSON document, a
report (`results`, `report`, `status`) as JSON or as the command's own tables, and a staff
file that could not be read or is invalid.

Every command that lists or reports goes through these, so `--json` means the same everywhere:
exactly one JSON document on stdout and nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TypeVar

import typer

from app.cli.context import (
    console,
    fail,
    print_json,
    print_table,
    settings_or_exit,
    with_sessions,
)
from app.cli.i18n import _
from storage.errors import NotFound

if TYPE_CHECKING:
    from storage.engine import SessionFactory

T = TypeVar("T")
Row = Mapping[str, Any]


class Report(Protocol):
    def to_json(self) -> Any: ...


R = TypeVar("R", bound=Report)


def read_staff_file(file: Path) -> str:
    """The text of a staff file (YAML), or one line on stderr and exit 2."""
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(_("cannot read {file}: {error}", file=file, error=exc), 2)


def read_csv_file(file: Path) -> str:
    """The text of a CSV file staff give (UTF-8), or one line on stderr and exit 2."""
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(_("{file}: no such file", file=file), 2)
    except UnicodeDecodeError as exc:
        fail(
            _(
                "{file}: not UTF-8 text (byte {byte}); save the CSV as UTF-8",
                file=file,
                byte=exc.start,
            ),
            2,
        )


def refuse_file(errors: Sequence[str], heading: str, as_json: bool) -> NoReturn:
    """A staff file with problems: `{"ok": false, "errors": [...]}` with --json, else the
    heading and one problem a line on stderr; exit 1 either way."""
    if as_json:
        print_json({"ok": False, "errors": list(errors)})
        raise typer.Exit(1)
    fail("\n".join([heading, *errors]))


def print_rows(
    rows: Sequence[Row],
    as_json: bool,
    title: str,
    columns: Sequence[str],
    shown: Callable[[Row], Sequence[Any]] | None = None,
) -> None:
    """The rows as one JSON document with --json, else as a table titled `title`. `shown`
    gives a row's cells as staff read them (say, a time in the secretariat's zone) when they
    are not simply its values in order; JSON keeps the values as they are."""
    if as_json:
        print_json(list(rows))
        return
    print_table(title, columns, [list(shown(r) if shown else r.values()) for r in rows])


def print_headline(text: str) -> None:
    """A report's first line (rich markup such as [bold] kept, numbers not highlighted)."""
    console().print(text, highlight=False)


def print_options(title: str, options: Iterable[tuple[str, str, int, str]]) -> None:
    """A question's options as a table: id, text, count and percentage."""
    print_table(title, [_("option"), _("text"), _("count"), "%"], list(options))


def load(action: Callable[[SessionFactory], Awaitable[T]]) -> T:
    """Run `action` against the configured database; a row the operator named that does not
    exist is one line on stderr and exit 1."""
    settings = settings_or_exit()
    try:
        return with_sessions(settings, action)
    except NotFound as exc:
        fail(str(exc))


def show_report(
    action: Callable[[SessionFactory], Awaitable[R]], as_json: bool, printed: Callable[[R], None]
) -> None:
    """Load a report (`load`), then print its `to_json()` with --json, else `printed(it)`."""
    found = load(action)
    if as_json:
        print_json(found.to_json())
    else:
        printed(found)
