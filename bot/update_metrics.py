"""Every update counted and timed by the handler that took it (`/metrics`), and its id on every
log line written while it is handled.

`UpdateMetricsMiddleware` is the outermost update middleware: it times the whole handling
(flood guard, database session, handler). `HandlerLabelMiddleware` is an inner middleware on
each event kind: aiogram gives it the handler it chose, whose name it writes into the label the
outer one reads when the update is done. An update no handler took counts as `unhandled`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.types import TelegramObject, Update

from telemetry.logs import bound
from telemetry.metrics import timed_update

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
LABEL = "update_metric"  # the key of the label in the middleware data


def mark_failed(data: dict[str, Any]) -> None:
    """Count the update being handled as an error (a middleware caught its exception)."""
    label = data.get(LABEL)
    if isinstance(label, dict):
        label["outcome"] = "error"


class UpdateMetricsMiddleware(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        label: dict[str, str] = {}
        data[LABEL] = label
        update_id = event.update_id if isinstance(event, Update) else None
        with bound(update_id=update_id), timed_update(label):
            return await handler(event, data)


class HandlerLabelMiddleware(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        label = data.get(LABEL)
        chosen = data.get("handler")
        if isinstance(label, dict) and isinstance(chosen, HandlerObject):
            callback = chosen.callback
            module = getattr(callback, "__module__", "") or ""
            name = getattr(callback, "__name__", type(callback).__name__)
            label["handler"] = f"{module.rpartition('.')[2]}.{name}"
        return await handler(event, data)


def install(dp: Dispatcher) -> None:
    """Outer timing on updates (register it before every other update middleware) and the
    handler's name from every event kind."""
    dp.update.outer_middleware(UpdateMetricsMiddleware())
    labeler = HandlerLabelMiddleware()
    for name, observer in dp.observers.items():
        if name not in ("update", "error"):
            observer.middleware(labeler)
