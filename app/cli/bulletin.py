"""`aive bulletin`: the group of edition commands, and `compose`, which drafts editions.

It also holds what the group's commands share: the edition argument, the errors they report and
the summary of an edition that `compose` and `edit` print. The other commands are registered on
the group by their own modules: `edit` and `preview` (bulletin_edit), `approve`, `cancel` and
`list` (bulletin_status), `send` and `stats` (delivery, the sending engine's).
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from app.bulletin_config import bulletin_config
from app.cli.context import fail, print_json, settings_or_exit, with_sessions
from app.cli.i18n import N_, _, ngettext
from newsletter.editions import service as bulletins
from newsletter.editions.cadence import CadenceError
from newsletter.editions.errors import BulletinError, NoNews
from newsletter.editions.render import RenderError
from newsletter.editions.values import CompositionError
from storage.base import utcnow
from storage.bulletins import Edition
from storage.engine import SessionFactory
from storage.feeds import Item

app = typer.Typer(
    help=N_("Bulletin editions: compose, edit, preview, approve."), no_args_is_help=True
)
report = Console(stderr=True)  # tables go to stderr: stdout carries ids or the JSON document

EDITION = Annotated[int, typer.Argument(help=N_("The edition id (printed by compose)."))]
JSON = Annotated[bool, typer.Option("--json", help=N_("Print one JSON document."))]
SERVICE_ERRORS = (BulletinError, CompositionError, RenderError, CadenceError)
SPREAD_ROWS = {  # the spread's keys, and their labels in the table
    "countries": N_("countries"),
    "cities": N_("cities"),
    "networks": N_("networks"),
    "languages": N_("languages"),
}


def actor() -> str:
    """Who acts, as the edition's history records it: `cli:` and the operator's login."""
    return f"cli:{os.environ.get('USER', 'staff')}"


@app.command(
    help=N_("Compose the draft of SERIES (each of its languages unless --lang); print the ids.")
)
def compose(
    series: Annotated[str, typer.Argument(help=N_("Series slug, e.g. global."))],
    lang: Annotated[
        str | None, typer.Option("--lang", help=N_("One language; default: all."))
    ] = None,
    allow_empty: Annotated[
        bool,
        typer.Option(
            "--allow-empty", help=N_("Make the draft even when the period brought no news.")
        ),
    ] = False,
    as_json: JSON = False,
) -> None:
    settings = settings_or_exit()
    config = bulletin_config(settings)
    without_news: list[str] = []

    async def _go(sessions: SessionFactory) -> list[dict[str, Any]]:
        async with sessions() as session:
            found = await bulletins.get_series(session, series)
            languages = [lang] if lang else list(found.languages or [settings.default_language])
            now = utcnow()
            summaries = []
            for language in languages:
                try:
                    edition = await bulletins.compose_draft(
                        session,
                        series,
                        language,
                        now,
                        config=config,
                        actor=actor(),
                        allow_empty=allow_empty,
                    )
                except NoNews:
                    without_news.append(language)
                    continue
                summaries.append(await edition_summary(session, edition))
            return summaries

    try:
        summaries = with_sessions(settings, _go)
    except SERVICE_ERRORS as exc:
        fail(f"bulletin compose: {exc}")
    for language in without_news:
        typer.echo(
            _(
                "{series} ({lang}): no news since the last edition, so no draft was made "
                "(--allow-empty makes one anyway).",
                series=series,
                lang=language,
            ),
            err=True,
        )
    if as_json:
        print_json({"series": series, "editions": summaries, "without_news": without_news})
    else:
        for summary in summaries:
            typer.echo(summary["id"])
            print_summary(summary)
    if not summaries:
        raise typer.Exit(1)


async def edition_summary(session: Any, edition: Edition) -> dict[str, Any]:
    """The edition as `compose --json` prints it: sections with their items' titles, edits,
    spread."""
    content = edition.content or {}
    ids = [i for s in content.get("sections", []) for i in section_item_ids(s)]
    titles = dict(
        (await session.execute(select(Item.id, Item.title).where(Item.id.in_(ids)))).all()
    )
    return {
        "id": edition.id,
        "series": edition.series.slug,
        "language": edition.language,
        "status": edition.status.value,
        "period": [edition.period_start.isoformat(), edition.period_end.isoformat()],
        "subject": edition.subject,
        "sections": [
            {
                "kind": s["kind"],
                "items": [{"id": i, "title": titles.get(i, "")} for i in section_item_ids(s)],
                "count": len(section_item_ids(s))
                or len(s.get("consultations", s.get("youth", []))),
            }
            for s in content.get("sections", [])
        ],
        "edits": content.get("edits", {}),
        "spread": content.get("spread", {}),
    }


def section_item_ids(section: dict[str, Any]) -> list[int]:
    """The ids of the items a section shows, its agenda's included."""
    agenda = [a["item"] for a in section.get("agenda", []) if "item" in a]
    return list(section.get("items", [])) + agenda


def print_summary(summary: dict[str, Any]) -> None:
    """Print an edition's summary as two tables, its sections and its spread, to stderr."""
    sections = Table(
        title=_(
            "Edition {id} · {series} · {language} · {subject}",
            id=summary["id"],
            series=summary["series"],
            language=summary["language"],
            subject=summary["subject"],
        )
    )
    for column in (_("section"), _("count"), _("items")):
        sections.add_column(column)
    for s in summary["sections"]:
        items = "\n".join(f"{i['id']}: {i['title'][:70]}" for i in s["items"])
        sections.add_row(s["kind"], str(s["count"]), items)
    report.print(sections)
    spread = summary["spread"]
    table = Table(
        title=ngettext(
            "Spread: {n} item, {other} in another language",
            "Spread: {n} items, {other} in another language",
            spread.get("total", 0),
            other=spread.get("other_language", 0),
        )
    )
    for column in (_("by"), _("counts")):
        table.add_column(column)
    for key, label in SPREAD_ROWS.items():
        counts = spread.get(key, {})
        table.add_row(_(label), ", ".join(f"{k} {v}" for k, v in counts.items()))
    report.print(table)
