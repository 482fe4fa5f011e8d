"""`aive feeds` and `aive items`: activity feed sources and the items made of them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from app.cli.context import fail, print_json, print_table, settings_or_exit, with_sessions
from app.cli.i18n import N_, _, ngettext
from newsletter.feeds.opml import OpmlError, parse_opml
from newsletter.feeds.sources import (
    SourceError,
    SourceStatusRow,
    add_source,
    import_opml_sources,
    source_status,
)
from storage import feeds_queries
from storage.engine import SessionFactory

app = typer.Typer(help=N_("Activity feeds of cities and networks."), no_args_is_help=True)
items_app = typer.Typer(help=N_("Items collected from the feeds."), no_args_is_help=True)


@app.command(help=N_("Add a feed source (or update the one with the same URL)."))
def add(
    url: str = typer.Argument(..., help=N_("Feed URL (http, https, file://) or a local path.")),
    network: list[str] = typer.Option([], "--network", help=N_("Network slug; repeat for more.")),
    city: str | None = typer.Option(None, "--city", help=N_("Member city publishing the feed.")),
    lang: str | None = typer.Option(None, "--lang", help=N_("Language of the feed, e.g. pt.")),
) -> None:
    async def _go(sessions: SessionFactory) -> tuple[int, bool]:
        async with sessions() as session:
            try:
                source, created = await add_source(session, url, network, city, lang)
            except SourceError as exc:
                fail(str(exc), 1)
            await session.commit()
            return source.id, created

    source_id, created = with_sessions(settings_or_exit(), _go)
    if created:
        typer.echo(_("source {id} added: {url}", id=source_id, url=url))
    else:
        typer.echo(_("source {id} updated: {url}", id=source_id, url=url))


@app.command(
    "import",
    help=N_(
        "Add every `<outline xmlUrl=…>` of an OPML file; bad outlines are reported, others kept."
    ),
)
def import_opml(file: Path = typer.Argument(..., help=N_("OPML file of feed sources."))) -> None:
    try:
        parsed = parse_opml(file.read_bytes())
    except FileNotFoundError:
        fail(_("{file}: no such file", file=file), 2)
    except OpmlError as exc:
        fail(f"{file}: {exc}", 1)
    base = file.resolve().parent

    async def _go(sessions: SessionFactory) -> tuple[int, int, list[str]]:
        async with sessions() as session:
            result = await import_opml_sources(session, parsed, base=base)
            await session.commit()
        return result.added, result.updated, result.errors

    added, updated, errors = with_sessions(settings_or_exit(), _go)
    typer.echo(
        ngettext(
            "{n} source added, {updated} updated, {rejected} rejected",
            "{n} sources added, {updated} updated, {rejected} rejected",
            added,
            updated=updated,
            rejected=len(errors),
        )
    )
    for line in errors:
        typer.echo(f"  {line}", err=True)
    if errors and not (added or updated):
        raise typer.Exit(1)


def _row_json(row: SourceStatusRow) -> dict[str, object]:
    return {
        "id": row.id,
        "url": row.url,
        "title": row.title,
        "status": row.status,
        "networks": row.networks,
        "city": row.city,
        "language": row.language,
        "items": row.items,
        "last_success_at": row.last_success_at.isoformat() if row.last_success_at else None,
        "last_error": row.last_error,
        "next_fetch_at": row.next_fetch_at.isoformat() if row.next_fetch_at else None,
    }


@app.command(
    "list", help=N_("Every source with its status: last success, last error, items, next fetch.")
)
def list_sources(
    as_json: bool = typer.Option(False, "--json", help=N_("One JSON document.")),
) -> None:
    async def _go(sessions: SessionFactory) -> list[SourceStatusRow]:
        async with sessions() as session:
            return await source_status(session)

    settings = settings_or_exit()
    rows = with_sessions(settings, _go)
    if as_json:
        print_json([_row_json(r) for r in rows])
        return
    zone = settings.zone

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "—"

    print_table(
        ngettext(
            "{n} feed source (times in {timezone})",
            "{n} feed sources (times in {timezone})",
            len(rows),
            timezone=settings.timezone,
        ),
        [
            _("id"),
            _("source"),
            _("status"),
            _("items"),
            _("last success"),
            _("next fetch"),
            _("last error"),
        ],
        [
            (
                r.id,
                r.title or r.url,
                r.status,
                r.items,
                local(r.last_success_at),
                local(r.next_fetch_at),
                r.last_error or "",
            )
            for r in rows
        ],
    )


@items_app.command("list", help=N_("Items collected from the feeds, newest first."))
def list_items(
    network: str | None = typer.Option(None, "--network", help=N_("Only items of this network.")),
    lang: str | None = typer.Option(None, "--lang", help=N_("Only items in this language.")),
    since: datetime | None = typer.Option(
        None, "--since", formats=["%Y-%m-%d"], help=N_("Only items published since DATE.")
    ),
    limit: int = typer.Option(200, "--limit", min=1, help=N_("At most this many, newest first.")),
    as_json: bool = typer.Option(False, "--json", help=N_("One JSON document.")),
) -> None:
    async def _go(sessions: SessionFactory) -> list[dict[str, object]]:
        start = datetime.combine(since.date(), datetime.min.time(), tzinfo=UTC) if since else None
        async with sessions() as session:
            wanted = None
            if network:
                # few hundred sources: pick those of the network here, portable across databases
                sources = await feeds_queries.all_sources(session)
                wanted = [s.id for s in sources if network in s.networks]
            items = await feeds_queries.newest_items(
                session,
                limit,
                language=lang.lower() if lang else None,
                since=start,
                source_ids=wanted,
            )
            result = []
            for item in items:
                networks = sorted({n for link in item.links for n in link.source.networks})
                result.append(
                    {
                        "id": item.id,
                        "title": item.title,
                        "url": item.url,
                        "language": item.language,
                        "published_at": item.published_at.isoformat(),
                        "networks": networks,
                        "sources": [link.source_id for link in item.links],
                        "image": item.image_url,
                    }
                )
            return result

    rows = with_sessions(settings_or_exit(), _go)
    if as_json:
        print_json(rows)
        return
    print_table(
        ngettext("{n} item", "{n} items", len(rows)),
        [_("id"), _("published"), _("lang"), _("title"), _("networks")],
        [
            (r["id"], str(r["published_at"])[:16], r["language"], r["title"], r["networks"])
            for r in rows
        ],
    )


@app.command(
    help=N_(
        "Fetch the due sources once: per source, new / updated / unchanged counts or the error."
    )
)
def fetch(
    as_json: bool = typer.Option(False, "--json", help=N_("One JSON document.")),
    all_sources: bool = typer.Option(
        False, "--all", help=N_("Fetch every active source, not only those due.")
    ),
) -> None:
    from newsletter.feeds.ingest import SourceReport, run_fetch

    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> list[SourceReport]:
        return await run_fetch(settings, sessions, only_due=not all_sources)

    reports = with_sessions(settings, _go)
    if as_json:
        print_json([r.as_dict() for r in reports])
    else:
        print_table(
            ngettext("{n} source fetched", "{n} sources fetched", len(reports)),
            [_("source"), _("new"), _("updated"), _("unchanged"), _("error")],
            [
                (r.url, r.new, r.updated, "304" if r.not_modified else r.unchanged, r.error or "")
                for r in reports
            ],
        )
    if reports and all(r.error and not (r.new or r.updated or r.unchanged) for r in reports):
        raise typer.Exit(1)
