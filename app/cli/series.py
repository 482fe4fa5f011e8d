"""`aive bulletin series`: the bulletin series (list, add)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from app.cli.context import fail, print_json, print_table, settings_or_exit, with_sessions
from app.cli.i18n import N_, _
from newsletter.editions.series import SeriesError, SeriesExists, add_series, list_series
from storage.engine import SessionFactory

app = typer.Typer(help=N_("Bulletin series: list them, add one."), no_args_is_help=True)
JSON = Annotated[bool, typer.Option("--json", help=N_("Print one JSON document."))]


def _document(series: Any) -> dict[str, Any]:
    return {
        "slug": series.slug,
        "titles": series.titles,
        "networks": series.networks,
        "languages": series.languages,
        "cadence": series.cadence,
    }


@app.command("list", help=N_("Every series with its networks, languages and cadence."))
def list_(as_json: JSON = False) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> list[dict[str, Any]]:
        async with sessions() as session:
            return [_document(s) for s in await list_series(session)]

    found = with_sessions(settings, _go)
    if as_json:
        print_json(found)
        return
    print_table(
        _("Bulletin series"),
        [_("slug"), _("title (en)"), _("networks"), _("languages"), _("cadence")],
        [
            (s["slug"], s["titles"].get("en", ""), s["networks"], s["languages"], s["cadence"])
            for s in found
        ],
    )


@app.command(
    help=N_("Add a series (e.g. a territorial network's own bulletin); every field is checked.")
)
def add(
    slug: Annotated[str, typer.Argument(help=N_("e.g. portugal"))],
    network: Annotated[
        list[str],
        typer.Option("--network", help=N_("A network whose items and subscribers it has.")),
    ],
    lang: Annotated[list[str], typer.Option("--lang", help=N_("A language it is written in."))],
    title: Annotated[
        list[str], typer.Option("--title", help=N_("LANG=TEXT, for each of its languages."))
    ],
    cadence: Annotated[
        str, typer.Option(help=N_("Cron, secretariat time: default the first Tuesday at 09:00."))
    ] = "0 9 1-7 * tue",
    as_json: JSON = False,
) -> None:
    settings = settings_or_exit()
    titles: dict[str, str] = {}
    for given in title:
        code, sep, text = given.partition("=")
        if not sep or not text.strip():
            fail(
                _(
                    "--title: {value} is not LANG=TEXT (e.g. pt=Boletim da rede portuguesa)",
                    value=repr(given),
                ),
                2,
            )
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
    typer.echo(_("series {slug} added: drafts are composed at its cadence", slug=created["slug"]))
