"""Chat broadcasts: each with its progress by state (queued, sending, sent, failed, blocked,
cancelled, uncertain), refreshed by itself while it runs (htmx polls a block; without
JavaScript a link reloads the page); pause, resume, cancel; and requeuing the uncertain messages
after a confirmation that says what it risks. The calls are `aive broadcast …`'s (outbox)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from newsletter.editions.desk import bars
from outbox import (
    BroadcastFinished,
    BroadcastSummary,
    broadcast_status,
    cancel_broadcast,
    pause_broadcast,
    requeue_uncertain,
)
from storage.broadcasts import MessageState
from web.console import i18n
from web.console.access import Permission, current_staff, requires
from web.console.navigation import N_
from web.console.requests import (
    actor,
    lang,
    notice,
    path_id,
    render_page,
    see_other,
    sessions,
    text,
)

routes = web.RouteTableDef()
LATEST = 30
ONE = "/console/broadcasts/{id:[0-9]+}"
STATES = tuple(s.value for s in MessageState)
STATE_NAMES = {
    "queued": N_("queued"),
    "sending": N_("sending"),
    "sent": N_("messages sent"),
    "failed": N_("failed"),
    "blocked": N_("blocked the bot"),
    "cancelled": N_("messages cancelled"),
    "uncertain": N_("uncertain"),
}
STATUS_NAMES = {
    "queued": N_("waiting"),
    "sending": N_("sending"),
    "paused": N_("paused"),
    "cancelled": N_("cancelled by staff"),
    "done": N_("finished"),
}
NOTICES = {
    "paused": N_("Broadcast paused: the workers skip it until it is resumed."),
    "resumed": N_("Broadcast resumed: the workers send it again."),
    "cancelled": N_("Broadcast cancelled: its queued messages will never be sent."),
    "requeued": N_("The uncertain messages are queued again: the workers send them."),
    "none_uncertain": N_("No uncertain message to requeue."),
}
FINISHED = N_("This broadcast is over (sent or cancelled): there is nothing left to %(action)s.")
ACTION_WORDS = {
    "cancel": N_("cancel"),
    "pause": N_("pause"),
    "resume": N_("resume"),
    "requeue": N_("requeue"),
}


def live(summary: BroadcastSummary) -> bool:
    return summary.status not in ("done", "cancelled")


def state_bars(summary: BroadcastSummary) -> list[Any]:
    return bars({s: summary.counts.get(s, 0) for s in STATES if summary.counts.get(s)}, limit=7)


async def _one(request: web.Request) -> BroadcastSummary:
    async with sessions(request)() as session:
        return (await broadcast_status(session, path_id(request)))[0]


def _can_send(request: web.Request) -> bool:
    staff = current_staff(request)
    return staff is not None and staff.can(Permission.send_broadcasts)


@routes.get("/console/broadcasts", name="console.broadcasts")
@requires(Permission.read)
async def broadcasts_page(request: web.Request) -> web.StreamResponse:
    """The latest broadcasts with their progress (htmx refreshes the table)."""
    async with sessions(request)() as session:
        found = await broadcast_status(session, latest=LATEST)
    context = {
        "broadcasts": found,
        "any_live": any(live(b) for b in found),
        "state_names": STATE_NAMES,
        "status_names": STATUS_NAMES,
    }
    return await render_page(request, "broadcasts.html", context, block="list")


async def broadcast_page(
    request: web.Request, *, error: str = "", status: int = 200, block: str | None = None
) -> web.Response:
    summary = await _one(request)
    context = {
        "b": summary,
        "live": live(summary),
        "bars": state_bars(summary),
        "state_names": STATE_NAMES,
        "status_names": STATUS_NAMES,
        "can_send": _can_send(request),
        "error": error,
        "notice": notice(request, NOTICES),
    }
    return await render_page(request, "broadcast.html", context, block=block, status=status)


@routes.get(ONE, name="console.broadcast")
@requires(Permission.read)
async def show(request: web.Request) -> web.StreamResponse:
    """One broadcast; htmx asks for its `progress` block every few seconds while it runs."""
    return await broadcast_page(request, block="progress")


def _finished(request: web.Request, action: str) -> str:
    word = i18n.lgettext(lang(request), ACTION_WORDS[action])
    return i18n.lgettext(lang(request), FINISHED, action=word)


async def _act(request: web.Request, action: str) -> web.StreamResponse:
    broadcast_id = path_id(request)
    async with sessions(request)() as session:
        try:
            if action == "cancel":
                await cancel_broadcast(session, broadcast_id, actor=actor(request))
            else:
                paused = action == "pause"
                await pause_broadcast(session, broadcast_id, paused=paused, actor=actor(request))
        except BroadcastFinished:
            return await broadcast_page(request, error=_finished(request, action), status=409)
    done = {"cancel": "cancelled", "pause": "paused", "resume": "resumed"}[action]
    raise see_other(f"/console/broadcasts/{broadcast_id}", done)


@routes.post(ONE + "/pause", name="console.broadcast.pause")
@requires(Permission.send_broadcasts)
async def pause(request: web.Request) -> web.StreamResponse:
    return await _act(request, "pause")


@routes.post(ONE + "/resume", name="console.broadcast.resume")
@requires(Permission.send_broadcasts)
async def resume(request: web.Request) -> web.StreamResponse:
    return await _act(request, "resume")


@routes.post(ONE + "/cancel", name="console.broadcast.cancel")
@requires(Permission.send_broadcasts)
async def cancel(request: web.Request) -> web.StreamResponse:
    return await _act(request, "cancel")


async def requeue_page(request: web.Request, *, error: str = "", status: int = 200) -> web.Response:
    summary = await _one(request)
    context = {"b": summary, "uncertain": summary.counts.get("uncertain", 0), "error": error}
    return await render_page(request, "broadcast_requeue.html", context, status=status)


@routes.get(ONE + "/requeue", name="console.broadcast.requeue_confirm")
@requires(Permission.send_broadcasts)
async def confirm_requeue(request: web.Request) -> web.StreamResponse:
    """What requeuing risks, and a confirmation."""
    return await requeue_page(request)


@routes.post(ONE + "/requeue", name="console.broadcast.requeue")
@requires(Permission.send_broadcasts)
async def requeue(request: web.Request) -> web.StreamResponse:
    broadcast_id = path_id(request)
    form = await request.post()
    if text(form, "confirm", 10) != "yes":
        unconfirmed = i18n.lgettext(
            lang(request),
            "Please tick the box to confirm that a person may get the message twice.",
        )
        return await requeue_page(request, error=unconfirmed, status=422)
    async with sessions(request)() as session:
        try:
            count = await requeue_uncertain(session, broadcast_id, actor=actor(request))
        except BroadcastFinished:
            return await requeue_page(request, error=_finished(request, "requeue"), status=409)
    raise see_other(
        f"/console/broadcasts/{broadcast_id}", "requeued" if count else "none_uncertain"
    )
