"""A root command group that imports a subgroup's module only when that subgroup is used.

Click's "lazily loading subcommands" pattern: the group knows each subgroup's name, module and
help without importing it, so `aive --help` lists every group from what is written here and
`aive cities list` imports the cities module alone (not the bot, the web app or the other
groups' domain packages). Until it loads, a subgroup is a placeholder holding its name and help;
a loaded subgroup replaces it, its help texts translated like the root's.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer.core import TyperGroup
from typer.models import TyperInfo

from app.cli.i18n import translate_help


@dataclass(frozen=True)
class Subgroup:
    """`aive <name>`: the `typer.Typer` at `target` ("package.module:attribute"), whose help
    is `help` (a test checks that it is the loaded group's own)."""

    name: str
    target: str
    help: str

    def load(self, root: TyperGroup) -> TyperGroup:
        """The subgroup's click group, built as `root`'s `add_typer()` would build it."""
        module, _sep, attribute = self.target.partition(":")
        typer_app = getattr(importlib.import_module(module), attribute)
        return typer.main.get_group_from_info(
            TyperInfo(typer_app, name=self.name),
            pretty_exceptions_short=True,
            suggest_commands=root.suggest_commands,
            rich_markup_mode=root.rich_markup_mode,
        )


class Placeholder(TyperGroup):
    """A subgroup not loaded yet: its name and help, for the root's help and suggestions."""


class LazyGroup(TyperGroup):
    """A Typer group whose `subgroups` load on first use; its own commands are built at once.

    `language` is the one the root's help texts were translated into (None: untranslated);
    each subgroup is translated into it as it loads.
    """

    subgroups: ClassVar[Sequence[Subgroup]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language: str | None = None
        self._targets = {subgroup.name: subgroup for subgroup in self.subgroups}
        self._listing = False
        for subgroup in self.subgroups:
            self.add_command(Placeholder(name=subgroup.name, help=subgroup.help))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if not isinstance(command, Placeholder) or self._listing:
            return command
        group = self._targets[cmd_name].load(self)
        if self.language is not None:
            translate_help(group, self.language)
        self.add_command(group, cmd_name)
        return group

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with self._listing_only():
            super().format_help(ctx, formatter)

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        with self._listing_only():
            return super().shell_complete(ctx, incomplete)

    @contextmanager
    def _listing_only(self) -> Iterator[None]:
        """While the root lists its commands, a subgroup's name and help are enough."""
        self._listing = True
        try:
            yield
        finally:
            self._listing = False
