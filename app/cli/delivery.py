"""`aive bulletin send` and `aive bulletin stats`: send an approved edition, and its numbers."""

from __future__ import annotations

from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select

from app.cli.context import fail, print_json, print_table, settings_or_exit, with_sessions
from app.delivery import make_sender
from storage.base import utcnow
from storage.bulletins import Edition
from storage.deliveries import Delivery, DeliveryState
from storage.delivery_queue import CLAIMABLE, QueueError, enqueue_edition
from storage.delivery_stats import EditionStats, edition_stats
from storage.engine import SessionFactory


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
            todo = await session.scalar(
                select(func.count()).where(
                    Delivery.edition_id == edition, Delivery.state.in_(CLAIMABLE)
                )
            )
        summary: dict[str, Any] = {"edition": edition, "queued": queued.added}
        summary["requeued"] = queued.requeued
        if not queue_only:
            sender = make_sender(settings, sessions)
            with Progress(
                TextColumn("edition {task.fields[edition]}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                disable=as_json,
                transient=False,
            ) as bar:
                task = bar.add_task("send", total=todo or 0, edition=edition)
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
    stats = summary["stats"]
    if as_json:
        print_json(summary)
    else:
        typer.echo(
            f"edition {edition}: {summary['queued']} queued, {stats['accepted']} accepted, "
            f"{stats['failed']} failed, {stats['uncertain']} uncertain, "
            f"{stats['queued'] + stats['sending']} still to send; status {stats['status']}"
        )
        for line, count in stats["errors"].items():
            typer.echo(f"  {count} failed: {line}", err=True)
    if stats["failed"] and not queue_only:
        raise typer.Exit(1)


async def _stats(session: Any, edition: int) -> EditionStats:
    found = await session.get(Edition, edition)
    if found is None:
        fail(f"no edition {edition}", 1)
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
    figures = [
        (name, getattr(result, name))
        for name in [s.value for s in DeliveryState]
        + ["delivered", "bounced", "complained", "opened", "clicked", "unsubscribed"]
    ]
    print_table(f"edition {edition} ({result.status})", ["", "count"], figures)
    for line, count in result.errors.items():
        typer.echo(f"{count} failed: {line}")


def register(bulletin_app: typer.Typer) -> None:
    """Add `send` and `stats` to the `aive bulletin` group."""

    @bulletin_app.command("send")
    def send_command(
        edition: int = typer.Argument(..., help="Edition id (approved)."),
        as_json: bool = typer.Option(False, "--json", help="One JSON document."),
        queue_only: bool = typer.Option(
            False, "--queue-only", help="Only queue: `aive worker` processes send it."
        ),
    ) -> None:
        """Send an approved edition to its confirmed subscribers (resumes a stopped send)."""
        send(edition, as_json, queue_only)

    @bulletin_app.command("stats")
    def stats_command(
        edition: int = typer.Argument(..., help="Edition id."),
        as_json: bool = typer.Option(False, "--json", help="One JSON document."),
    ) -> None:
        """Queued, sending, accepted, failed, uncertain; delivered, bounced, opened, clicked…"""
        stats(edition, as_json)
