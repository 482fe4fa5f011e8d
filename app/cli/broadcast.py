"""`aive broadcast`: chat broadcasts for staff: create from YAML, status, drain, cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from app.cli.context import database as open_database
from app.cli.context import fail, print_json, print_table, run, settings_or_exit, with_sessions
from bot.broadcast import (
    BroadcastSummary,
    ContentError,
    Limits,
    RateLimiter,
    audience_recipients,
    broadcast_status,
    cancel_broadcast,
    enqueue_broadcast,
    pause_broadcast,
    recipients_for_chats,
    requeue_uncertain,
)
from bot.broadcast.definition import parse_definition
from storage.engine import SessionFactory
from storage.errors import NotFound

app = typer.Typer(help="Chat broadcasts through the rate-limited outbox.", no_args_is_help=True)

ID = Annotated[int, typer.Argument(help="The broadcast id (printed by create).")]
JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.command()
def create(
    file: Annotated[Path, typer.Argument(help="The broadcast YAML file.")],
    as_json: JSON = False,
) -> None:
    """Queue the broadcast FILE.yaml describes; print its id and how many chats it reaches."""
    try:
        definition = parse_definition(yaml.safe_load(file.read_text("utf-8")), file.parent)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        fail(f"cannot read {file}: {exc}", 2)
    except ContentError as exc:
        fail(f"{file}: {exc}", 2)
    settings = settings_or_exit()
    language = settings.default_language

    async def _create(sessions: SessionFactory) -> tuple[int, int]:
        async with sessions() as session:
            if definition.audience is not None:
                recipients = await audience_recipients(
                    session, definition.audience, default_language=language
                )
            else:
                recipients = await recipients_for_chats(
                    session, definition.chats, default_language=language
                )
            broadcast = await enqueue_broadcast(
                session,
                definition.kind,
                definition.payload,
                recipients,
                audience=definition.audience or "chats",
                created_by="cli",
                key=definition.key,
            )
            (summary,) = await broadcast_status(session, broadcast.id)
            return broadcast.id, summary.total

    broadcast_id, chats = with_sessions(settings, _create)
    if as_json:
        print_json({"id": broadcast_id, "chats": chats})
    else:
        typer.echo(f"{broadcast_id}\t{chats} chats queued")


@app.command()
def status(
    broadcast_id: Annotated[int | None, typer.Argument(help="One; else the latest ten.")] = None,
    as_json: JSON = False,
) -> None:
    """Messages per state and the achieved rate, for one broadcast or the latest ten."""
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> list[BroadcastSummary]:
        async with sessions() as session:
            return await broadcast_status(session, broadcast_id)

    try:
        found = with_sessions(settings, _go)
    except NotFound as exc:
        fail(str(exc))
    if as_json:
        documents = [s.to_json() for s in found]
        print_json(documents[0] if broadcast_id is not None else documents)
        return
    states = ("queued", "sent", "blocked", "failed", "cancelled", "uncertain")
    print_table(
        "Broadcasts",
        ["id", "kind", "status", "total", *states, "msg/s"],
        [
            [s.id, s.kind, s.status, s.total]
            + [s.counts.get(state, 0) for state in states]
            + [s.rate]
            for s in found
        ],
    )


def _change(broadcast_id: int, action: str) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> str:
        async with sessions() as session:
            if action == "cancel":
                return f"cancelled; {await cancel_broadcast(session, broadcast_id)} never sent"
            if action == "requeue":
                return f"{await requeue_uncertain(session, broadcast_id)} uncertain requeued"
            broadcast = await pause_broadcast(session, broadcast_id, paused=action == "pause")
            return broadcast.status.value

    try:
        typer.echo(f"broadcast {broadcast_id}: {with_sessions(settings, _go)}")
    except (NotFound, ValueError) as exc:
        fail(str(exc))


@app.command()
def cancel(broadcast_id: ID) -> None:
    """Cancel: queued messages are never sent (those in flight finish)."""
    _change(broadcast_id, "cancel")


@app.command()
def pause(broadcast_id: ID) -> None:
    """Pause: workers skip the broadcast until it is resumed."""
    _change(broadcast_id, "pause")


@app.command()
def resume(broadcast_id: ID) -> None:
    """Resume a paused broadcast."""
    _change(broadcast_id, "resume")


@app.command("requeue-uncertain")
def requeue(broadcast_id: ID) -> None:
    """Resend messages a crashed worker may or may not have sent (a chat may get two)."""
    _change(broadcast_id, "requeue")


@app.command()
def drain(
    broadcast_id: Annotated[int | None, typer.Argument(help="Only this broadcast.")] = None,
) -> None:
    """Send queued messages now, in this process, with a progress bar."""
    from bot.broadcast.sender import BroadcastError, BroadcastSender
    from bot.session import make_bot

    settings = settings_or_exit()
    if settings.telegram_token is None:
        fail("configuration error: AIVE_TELEGRAM_TOKEN is not set", 2)
    token = settings.telegram_token.get_secret_value()
    limits = Limits(settings.broadcast_per_second, settings.broadcast_group_per_minute)

    async def _go() -> tuple[int, int]:
        async with open_database(settings) as sessions:
            async with sessions() as session:
                summaries = await broadcast_status(session, broadcast_id, latest=1000)
            todo = sum(s.counts.get("queued", 0) for s in summaries)
            bot = make_bot(token, settings.telegram_api_url)
            columns = (
                TextColumn("sending"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
            )
            try:
                with Progress(*columns) as progress:
                    task = progress.add_task("broadcast", total=todo)
                    sender = BroadcastSender(sessions, bot, limiter=RateLimiter(limits))
                    done = await sender.drain(
                        broadcast_id, on_wave=lambda n: progress.advance(task, n)
                    )
            finally:
                await bot.session.close()
            return done, sender.stats.retry_after

    try:
        done, flood_waits = run(_go())
    except NotFound as exc:
        fail(str(exc))
    except BroadcastError as exc:
        fail(str(exc))
    typer.echo(f"{done} messages handled; {flood_waits} flood waits (429)")
