"""`aive bulletin approve`, `cancel` and `list`: move an edition on towards sending, or stop it,
and list the editions with their status.

An approved edition waits for `aive bulletin send`, or for its --send-at time when scheduled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from app.cli.bulletin import EDITION, JSON, actor, section_item_ids
from app.cli.context import fail, print_json, print_table, settings_or_exit, with_sessions
from app.cli.i18n import N_, _
from newsletter.editions import service as bulletins
from newsletter.editions.errors import BulletinError
from storage.bulletins import Edition
from storage.engine import SessionFactory


def register(bulletin_app: typer.Typer) -> None:
    """Add `approve`, `cancel` and `list` to the `aive bulletin` group."""
    bulletin_app.command(help=N_("Approve a draft (scheduled for --send-at when given)."))(approve)
    bulletin_app.command(help=N_("Cancel a draft, approved or scheduled edition."))(cancel)
    bulletin_app.command("list", help=N_("Editions, newest first."))(list_)


def approve(
    edition_id: EDITION,
    send_at: Annotated[
        str | None,
        typer.Option("--send-at", help=N_("ISO date-time; without an offset, the secretariat's.")),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help=N_("Approve an edition without news without asking."))
    ] = False,
) -> None:
    settings = settings_or_exit()
    when = None
    if send_at is not None:
        try:
            when = datetime.fromisoformat(send_at)
        except ValueError:
            fail(
                _(
                    "--send-at: {value} is not an ISO date-time (e.g. 2026-03-10T09:00)",
                    value=repr(send_at),
                ),
                2,
            )
        if when.tzinfo is None:
            when = when.replace(tzinfo=settings.zone)

    async def _news(sessions: SessionFactory) -> int:
        async with sessions() as session:
            return bulletins.news_count((await bulletins.get_edition(session, edition_id)).content)

    try:
        without_news = with_sessions(settings, _news) == 0
    except BulletinError as exc:
        fail(f"bulletin approve: {exc}")
    if without_news and not yes:
        question = _("Edition {id} has no news item. Approve it anyway?", id=edition_id)
        if not typer.confirm(question, default=False):
            fail(_("edition {id}: not approved", id=edition_id))

    async def _go(sessions: SessionFactory) -> str:
        async with sessions() as session:
            edition = await bulletins.approve(session, edition_id, actor(), when)
            if edition.send_at:
                local = edition.send_at.astimezone(settings.zone).isoformat(timespec="minutes")
                return _("edition {id}: scheduled for {when}", id=edition.id, when=local)
            return _("edition {id}: approved", id=edition.id)

    try:
        typer.echo(with_sessions(settings, _go))
    except BulletinError as exc:
        fail(f"bulletin approve: {exc}")


def cancel(edition_id: EDITION) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> None:
        async with sessions() as session:
            await bulletins.cancel(session, edition_id, actor())

    try:
        with_sessions(settings, _go)
    except BulletinError as exc:
        fail(f"bulletin cancel: {exc}")
    typer.echo(_("edition {id}: cancelled", id=edition_id))


def list_(
    series: Annotated[str | None, typer.Option("--series", help=N_("Only this series."))] = None,
    as_json: JSON = False,
) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> list[dict[str, Any]]:
        async with sessions() as session:
            return [_row(e) for e in await bulletins.list_editions(session, series)]

    rows = with_sessions(settings, _go)
    if as_json:
        print_json(rows)
        return
    columns = (
        _("id"),
        _("series"),
        _("lang"),
        _("period"),
        _("status"),
        _("items"),
        _("send at"),
        _("subject"),
    )
    print_table(
        _("Bulletin editions"),
        columns,
        [
            (
                r["id"],
                r["series"],
                r["language"],
                f"{r['period_start'][:10]} → {r['period_end'][:10]}",
                r["status"],
                r["items"],
                r["send_at"],
                r["subject"],
            )
            for r in rows
        ],
    )


def _row(edition: Edition) -> dict[str, Any]:
    sections = (edition.content or {}).get("sections", [])
    return {
        "id": edition.id,
        "series": edition.series.slug,
        "language": edition.language,
        "period_start": edition.period_start.isoformat(),
        "period_end": edition.period_end.isoformat(),
        "status": edition.status.value,
        "items": sum(len(section_item_ids(s)) for s in sections),
        "send_at": edition.send_at.isoformat() if edition.send_at else None,
        "subject": edition.subject,
    }
