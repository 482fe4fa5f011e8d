"""`aive broadcast`: chat broadcasts for staff: create from YAML, status, drain, cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from app.cli.context import database as open_database
from app.cli.context import fail, print_json, print_table, run, settings_or_exit, with_sessions
from app.cli.i18n import N_, _, ngettext
from bot.broadcast.limiter import Limits, RateLimiter
from engagement.broadcast_definition import BroadcastFileError, parse_definition
from engagement.problems import ProblemsError, load_yaml
from outbox import (
    BroadcastSummary,
    audience_recipients,
    broadcast_status,
    cancel_broadcast,
    enqueue_broadcast,
    pause_broadcast,
    recipients_for_chats,
    requeue_uncertain,
)
from storage.consultation_queries import all_network_slugs
from storage.engine import SessionFactory
from storage.errors import NotFound
from storage.poll_queries import people_in_networks

app = typer.Typer(help=N_("Chat broadcasts through the rate-limited outbox."), no_args_is_help=True)

ID = Annotated[int, typer.Argument(help=N_("The broadcast id (printed by create)."))]
JSON = Annotated[bool, typer.Option("--json", help=N_("Print one JSON document."))]


@app.command(
    help=N_("Queue the broadcast FILE.yaml describes; print its id and how many chats it reaches.")
)
def create(
    file: Annotated[Path, typer.Argument(help=N_("The broadcast YAML file."))],
    as_json: JSON = False,
) -> None:
    try:
        data = load_yaml(file.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        fail(_("cannot read {file}: {error}", file=file, error=exc), 2)
    except ProblemsError as exc:  # not YAML we read: a syntax error, an alias, too deep
        fail(f"{file}: {exc}", 2)
    settings = settings_or_exit()
    language = settings.default_language

    async def _networks(sessions: SessionFactory) -> list[str]:
        async with sessions() as session:
            return await all_network_slugs(session)

    try:
        definition = parse_definition(data, file.parent, with_sessions(settings, _networks))
    except BroadcastFileError as exc:
        if as_json:
            print_json({"ok": False, "errors": exc.errors})
            raise typer.Exit(1) from None
        fail("\n".join([_("{file}: invalid broadcast", file=file), *exc.errors]))

    async def _create(sessions: SessionFactory) -> tuple[int, int]:
        async with sessions() as session:
            if definition.audience is not None:
                recipients = await audience_recipients(
                    session, definition.audience, default_language=language
                )
                if definition.networks:
                    members = await people_in_networks(session, definition.networks)
                    recipients = [r for r in recipients if r.person_id in members]
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
        typer.echo(
            ngettext("{id}\t{n} chat queued", "{id}\t{n} chats queued", chats, id=broadcast_id)
        )


@app.command(
    help=N_("Messages per state and the achieved rate, for one broadcast or the latest ten.")
)
def status(
    broadcast_id: Annotated[
        int | None, typer.Argument(help=N_("One; else the latest ten."))
    ] = None,
    as_json: JSON = False,
) -> None:
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
    state_columns = [
        _("queued"),
        _("sent"),
        _("blocked"),
        _("failed"),
        _("cancelled"),
        _("uncertain"),
    ]
    print_table(
        _("Broadcasts"),
        [_("id"), _("kind"), _("status"), _("total"), *state_columns, _("msg/s")],
        [
            [s.id, s.kind, s.status, s.total]
            + [s.counts.get(state, 0) for state in states]
            + [s.rate]
            for s in found
        ],
    )


def _change(broadcast_id: int, action: str) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> int:
        async with sessions() as session:
            if action == "cancel":
                return await cancel_broadcast(session, broadcast_id)
            if action == "requeue":
                return await requeue_uncertain(session, broadcast_id)
            await pause_broadcast(session, broadcast_id, paused=action == "pause")
            return 0

    try:
        count = with_sessions(settings, _go)
    except (NotFound, ValueError) as exc:
        fail(str(exc))
    if action == "cancel":
        done = ngettext(
            "broadcast {id}: cancelled; {n} never sent",
            "broadcast {id}: cancelled; {n} never sent",
            count,
            id=broadcast_id,
        )
    elif action == "requeue":
        done = ngettext(
            "broadcast {id}: {n} uncertain requeued",
            "broadcast {id}: {n} uncertain requeued",
            count,
            id=broadcast_id,
        )
    elif action == "pause":
        done = _("broadcast {id}: paused", id=broadcast_id)
    else:  # resumed: workers send it again
        done = _("broadcast {id}: sending", id=broadcast_id)
    typer.echo(done)


@app.command(help=N_("Cancel: queued messages are never sent (those in flight finish)."))
def cancel(broadcast_id: ID) -> None:
    _change(broadcast_id, "cancel")


@app.command(help=N_("Pause: workers skip the broadcast until it is resumed."))
def pause(broadcast_id: ID) -> None:
    _change(broadcast_id, "pause")


@app.command(help=N_("Resume a paused broadcast."))
def resume(broadcast_id: ID) -> None:
    _change(broadcast_id, "resume")


@app.command(
    "requeue-uncertain",
    help=N_("Resend messages a crashed worker may or may not have sent (a chat may get two)."),
)
def requeue(broadcast_id: ID) -> None:
    _change(broadcast_id, "requeue")


@app.command(help=N_("Send queued messages now, in this process, with a progress bar."))
def drain(
    broadcast_id: Annotated[int | None, typer.Argument(help=N_("Only this broadcast."))] = None,
) -> None:
    from bot.broadcast.sender import BroadcastError, BroadcastSender
    from bot.session import make_bot

    settings = settings_or_exit()
    if settings.telegram_token is None:
        fail(_("configuration error: {variable} is not set", variable="AIVE_TELEGRAM_TOKEN"), 2)
    token = settings.telegram_token.get_secret_value()
    limits = Limits(settings.broadcast_per_second, settings.broadcast_group_per_minute)

    async def _go() -> tuple[int, int]:
        async with open_database(settings) as sessions:
            async with sessions() as session:
                summaries = await broadcast_status(session, broadcast_id, latest=1000)
            todo = sum(s.counts.get("queued", 0) for s in summaries)
            bot = make_bot(token, settings.telegram_api_url)
            columns = (
                TextColumn(_("sending")),
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
    typer.echo(
        ngettext(
            "{n} message handled; flood waits (429): {waits}",
            "{n} messages handled; flood waits (429): {waits}",
            done,
            waits=flood_waits,
        )
    )
