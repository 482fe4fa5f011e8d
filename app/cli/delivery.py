"""`aive bulletin send` and `aive bulletin stats`: send an approved edition, and its numbers."""

from __future__ import annotations

from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from app.cli.context import fail, print_json, print_table, settings_or_exit, with_sessions
from app.cli.i18n import N_, _, ngettext
from app.delivery import make_sender
from storage import deliveries_queries
from storage.base import utcnow
from storage.bulletins import Edition
from storage.bulletins_queries import QueueError, enqueue_edition
from storage.deliveries import DeliveryState
from storage.deliveries_queries import EditionStats, edition_stats
from storage.engine import SessionFactory

# The labels of `aive bulletin stats`' rows: every delivery state, then the engagement counts.
FIGURES = {
    DeliveryState.queued.value: N_("queued"),
    DeliveryState.sending.value: N_("sending"),
    DeliveryState.accepted.value: N_("accepted"),
    DeliveryState.failed.value: N_("failed"),
    DeliveryState.uncertain.value: N_("uncertain"),
    DeliveryState.skipped.value: N_("skipped"),
    "delivered": N_("delivered"),
    "bounced": N_("bounced"),
    "complained": N_("complained"),
    "opened": N_("opened"),
    "clicked": N_("clicked"),
    "unsubscribed": N_("unsubscribed"),
}


def send(edition: int, as_json: bool = False, queue_only: bool = False) -> None:
    """Queue the edition's deliveries and, unless `queue_only`, send them now."""
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> dict[str, Any]:
        async with sessions() as session:
            try:
                queued = await enqueue_edition(session, edition, utcnow())
            except QueueError as exc:
                fail(str(exc), 1)
            await session.commit()
            todo = await deliveries_queries.claimable_count(session, edition)
        summary: dict[str, Any] = {"edition": edition, "queued": queued.added}
        summary["requeued"] = queued.requeued
        if not queue_only:
            sender = make_sender(settings, sessions)
            with Progress(
                TextColumn(_("edition {edition}", edition=edition)),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                disable=as_json,
                transient=False,
            ) as bar:
                task = bar.add_task("send", total=todo or 0)
                try:
                    reports = await sender.send_edition(
                        edition, lambda r: bar.advance(task, r.claimed + r.skipped)
                    )
                finally:
                    await sender.backend.close()
            summary["requests"] = sum(r.requests for r in reports)
        async with sessions() as session:
            stats = await _stats(session, edition)
        summary["stats"] = stats.as_dict()
        return summary

    summary = with_sessions(settings, _go)
    if as_json:
        print_json(summary)
    else:
        _print_sent(summary)
    if summary["stats"]["failed"] and not queue_only:
        raise typer.Exit(1)


def _print_sent(summary: dict[str, Any]) -> None:
    stats = summary["stats"]
    typer.echo(
        _(
            "edition {edition}: {queued} queued, {accepted} accepted, {failed} failed, "
            "{uncertain} uncertain, {pending} still to send; status {status}",
            edition=summary["edition"],
            queued=summary["queued"],
            accepted=stats["accepted"],
            failed=stats["failed"],
            uncertain=stats["uncertain"],
            pending=stats["queued"] + stats["sending"],
            status=stats["status"],
        )
    )
    for line, count in stats["errors"].items():
        typer.echo(
            "  " + ngettext("{n} failed: {error}", "{n} failed: {error}", count, error=line),
            err=True,
        )


async def _stats(session: Any, edition: int) -> EditionStats:
    found = await session.get(Edition, edition)
    if found is None:
        fail(_("no edition {edition}", edition=edition), 1)
    return await edition_stats(session, edition, found.status.value)


def stats(edition: int, as_json: bool = False) -> None:
    """Delivery and engagement numbers of one edition."""

    async def _go(sessions: SessionFactory) -> EditionStats:
        async with sessions() as session:
            return await _stats(session, edition)

    result = with_sessions(settings_or_exit(), _go)
    if as_json:
        print_json(result.as_dict())
        return
    states = [s.value for s in DeliveryState]
    names = states + [name for name in FIGURES if name not in states]
    figures = [(_(FIGURES.get(name, name)), getattr(result, name)) for name in names]
    title = _("edition {edition} ({status})", edition=edition, status=result.status)
    print_table(title, ["", _("count")], figures)
    for line, count in result.errors.items():
        typer.echo(ngettext("{n} failed: {error}", "{n} failed: {error}", count, error=line))


def register(bulletin_app: typer.Typer) -> None:
    """Add `send` and `stats` to the `aive bulletin` group."""

    @bulletin_app.command(
        "send",
        help=N_("Send an approved edition to its confirmed subscribers (resumes a stopped send)."),
    )
    def send_command(
        edition: int = typer.Argument(..., help=N_("Edition id (approved).")),
        as_json: bool = typer.Option(False, "--json", help=N_("One JSON document.")),
        queue_only: bool = typer.Option(
            False, "--queue-only", help=N_("Only queue: `aive worker` processes send it.")
        ),
    ) -> None:
        send(edition, as_json, queue_only)

    @bulletin_app.command(
        "stats",
        help=N_(
            "Queued, sending, accepted, failed, uncertain; delivered, bounced, opened, clicked…"
        ),
    )
    def stats_command(
        edition: int = typer.Argument(..., help=N_("Edition id.")),
        as_json: bool = typer.Option(False, "--json", help=N_("One JSON document.")),
    ) -> None:
        stats(edition, as_json)
