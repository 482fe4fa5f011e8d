"""`aive bulletin series`: the bulletin series (list, add)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from app.cli.context import fail, print_json, print_table, settings_or_exit, with_sessions
from newsletter.series import SeriesError, SeriesExists, add_series, list_series
from storage.engine import SessionFactory

app = typer.Typer(help="Bulletin series: list them, add one.", no_args_is_help=True)
JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


def _document(series: Any) -> dict[str, Any]:
    return {
        "slug": series.slug,
        "titles": series.titles,
        "networks": series.networks,
        "languages": series.languages,
        "cadence": series.cadence,
    }


@app.command("list")
def list_(as_json: JSON = False) -> None:
    """Every series with its networks, languages and cadence."""
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> list[dict[str, Any]]:
        async with sessions() as session:
            return [_document(s) for s in await list_series(session)]

    found = with_sessions(settings, _go)
    if as_json:
        print_json(found)
        return
    print_table(
        "Bulletin series",
        ["slug", "title (en)", "networks", "languages", "cadence"],
        [
            (s["slug"], s["titles"].get("en", ""), s["networks"], s["languages"], s["cadence"])
            for s in found
        ],
    )


@app.command()
def add(
    slug: Annotated[str, typer.Argument(help="e.g. portugal")],
    network: Annotated[
        list[str], typer.Option("--network", help="A network whose items and subscribers it has.")
    ],
    lang: Annotated[list[str], typer.Option("--lang", help="A language it is written in.")],
    title: Annotated[
        list[str], typer.Option("--title", help="LANG=TEXT, for each of its languages.")
    ],
    cadence: Annotated[
        str, typer.Option(help="Cron, secretariat time: default the first Tuesday at 09:00.")
    ] = "0 9 1-7 * tue",
    as_json: JSON = False,
) -> None:
    """Add a series (e.g. a territorial network's own bulletin); every field is checked."""
    settings = settings_or_exit()
    titles: dict[str, str] = {}
    for given in title:
        code, sep, text = given.partition("=")
        if not sep or not text.strip():
            fail(f"--title: {given!r} is not LANG=TEXT (e.g. pt=Boletim da rede portuguesa)", 2)
        titles[code.strip()] = text

    async def _go(sessions: SessionFactory) -> dict[str, Any]:
        async with sessions() as session:
            created = await add_series(
                session,
                slug,
                networks=network,
                languages=lang,
                titles=titles,
                cadence=cadence,
                timezone=settings.timezone,
                actor="cli",
            )
            return _document(created)

    try:
        created = with_sessions(settings, _go)
    except SeriesError as exc:
        fail(str(exc), 1 if isinstance(exc, SeriesExists) else 2)
    if as_json:
        print_json(created)
        return
    typer.echo(f"series {created['slug']} added: drafts are composed at its cadence")
