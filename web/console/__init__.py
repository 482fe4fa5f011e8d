"""The staff console, mounted at `/console/` by `aive web`: a face of the domain (every action
is the domain call the bot and the CLI make). `setup_console(app, config)` mounts the routes of
every module in `CONSOLE_MODULES`; each module exposes `routes = web.RouteTableDef()` with
absolute `/console/...` paths, and every handler carries `@requires(Permission.x)` or
`@public` (web.console.access)."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from aiohttp import web

from web.console.config import CONSOLE, ConsoleConfig
from web.console.rendering import setup_rendering
from web.console.security import console_headers, console_middleware

__all__ = ["CONSOLE_MODULES", "ConsoleConfig", "console_modules", "setup_console"]

# each exposes `routes`; page modules are added here
CONSOLE_MODULES: tuple[str, ...] = (
    "web.console.signin",
    "web.console.dashboard",
    "web.console.staff",
    "web.console.audit",
    "web.console.bulletins",
    "web.console.bulletin_editor",
    "web.console.bulletin_sending",
    "web.console.subscribers",
    "web.console.subscriber_files",
    "web.console.feeds",
    "web.console.cafes",
    "web.console.cafe_people",
    "web.console.cafe_report",
    "web.console.cafe_certificates",
    "web.console.representatives",
    "web.console.invites",
    "web.console.polls",
    "web.console.youth_queue",
    "web.console.youth_media",
    "web.console.youth_decisions",
    "web.console.campaign",
    "web.console.campaign_steps",
    "web.console.declaration",
    "web.console.kit",
    "web.console.campaign_report",
    "web.console.broadcasts",
    "web.console.networks",
    "web.console.cities",
    "web.console.consultations",
    "web.console.consultation_results",
    "web.console.consultation_exports",
    "web.console.account",
    "web.console.static",
)


def console_modules() -> list[ModuleType]:
    return [import_module(name) for name in CONSOLE_MODULES]


def console_routes() -> list[web.RouteDef]:
    """Every console route definition (for the app, and for the access test)."""
    found: list[web.RouteDef] = []
    for module in console_modules():
        table: web.RouteTableDef = module.routes
        found.extend(r for r in table if isinstance(r, web.RouteDef))
    return found


def setup_console(app: web.Application, config: ConsoleConfig) -> None:
    """Mount the console under `/console/` on `app` (its middleware acts on those paths only)."""
    app[CONSOLE] = config
    setup_rendering(app)
    app.middlewares.append(console_middleware)
    app.on_response_prepare.append(console_headers)
    for module in console_modules():
        app.router.add_routes(module.routes)
