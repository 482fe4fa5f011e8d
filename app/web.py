"""The aiohttp web application: health, and the routes each feature package contributes."""

from __future__ import annotations

import asyncio
import gc
import logging
import os

from aiohttp import web

from app.bulletin_config import archive_config, bulletin_config
from app.campaign_config import campaign_config
from app.context import AppContext
from app.mail import transactional_mailer
from app.probes import setup_probe_routes
from app.runtime import CannotListen
from bot.identity import BotUsername
from bot.webhook import setup_webhook_routes
from bot.youth_desk import TelegramYouthDesk
from engagement.youth.media import MediaShelf
from newsletter.subscriptions.ratelimit import SlidingWindowLimiter
from storage.engine import ping
from web.console import ConsoleConfig, setup_console
from web.console.campaign import CAMPAIGN_CONFIG
from web.console.requests import BULLETIN_CONFIG
from web.console.youth_media import YOUTH_DESK, YOUTH_MEDIA
from web.public.archive import setup_archive_routes
from web.public.consultation_answers import AnswerSite, setup_consultation_answers
from web.public.demo_images import DEMO_IMAGES, setup_demo_images
from web.public.draft_preview import setup_preview_routes
from web.public.edge import EdgeConfig, setup_web_edge
from web.public.engagement_pages import setup_engagement_pages
from web.public.kit import setup_kit_routes
from web.public.subscribe import SubscriptionSite, setup_subscription_routes
from web.sendgrid_events import setup_sendgrid_webhook

log = logging.getLogger(__name__)
CONTEXT = web.AppKey("context", AppContext)


async def healthz(request: web.Request) -> web.Response:
    """JSON health: 200 when the database answers, 503 otherwise."""
    ctx = request.app[CONTEXT]
    try:
        async with asyncio.timeout(5), ctx.engine.connect() as conn:
            await ping(conn)
        database = "ok"
    except Exception as exc:  # any database failure is reported, not raised
        log.warning("health check: database unavailable: %s", type(exc).__name__)
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return web.json_response(
        {"status": "ok" if status == 200 else "degraded", "database": database}, status=status
    )


def build_web_app(ctx: AppContext) -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app[CONTEXT] = ctx
    setup_web_edge(
        app,
        EdgeConfig(
            hsts=ctx.settings.env == "production", read_timeout=ctx.settings.web_read_timeout
        ),
    )
    app.router.add_get("/healthz", healthz)
    setup_probe_routes(app, ctx)
    setup_subscription_routes(app, subscription_site(ctx))
    setup_webhook_routes(app, ctx)
    setup_archive_routes(app, ctx.sessions, archive_config(ctx.settings))
    setup_preview_routes(app, ctx.sessions, ctx.settings.public_url, ctx.settings.signing_key())
    setup_engagement_pages(app, bot_username(ctx))
    setup_consultation_answers(app, answer_site(ctx))
    setup_kit_routes(app, ctx.settings.kit_dir)
    setup_demo_images(app, DEMO_IMAGES)
    setup_sendgrid_webhook(
        app, ctx.settings.sendgrid_webhook_public_key, lambda request: request.app[CONTEXT].sessions
    )
    setup_console(app, console_config(ctx))
    # the console composes and edits drafts with the same settings as the CLI and the scheduler
    app[BULLETIN_CONFIG] = bulletin_config(ctx.settings)
    app[CAMPAIGN_CONFIG] = campaign_config(ctx.settings)
    setup_youth_moderation(app, ctx)
    return app


def setup_youth_moderation(app: web.Application, ctx: AppContext) -> None:
    """The console's youth moderation talks to Telegram through our bot (media, authors told),
    and keeps the media it fetched in AIVE_YOUTH_MEDIA_DIR."""
    settings = ctx.settings
    app[YOUTH_MEDIA] = MediaShelf(settings.youth_media_dir)
    if settings.telegram_token is None:
        return
    desk = TelegramYouthDesk(
        settings.telegram_token.get_secret_value(),
        settings.telegram_api_url,
        settings.default_language,
    )
    app[YOUTH_DESK] = desk

    async def close_desk(app: web.Application) -> None:
        await desk.close()

    app.on_cleanup.append(close_desk)


def console_config(ctx: AppContext) -> ConsoleConfig:
    settings = ctx.settings
    token = settings.telegram_token
    return ConsoleConfig(
        sessions=ctx.sessions,
        mailer=transactional_mailer(settings),
        public_url=settings.public_url,
        signing_key=settings.signing_key(),
        zone=settings.zone,
        default_language=settings.default_language,
        telegram_token=token.get_secret_value() if token else None,
        bot_username=bot_username(ctx).get,
        trusted_proxy=settings.trusted_proxy,
    )


def bot_username(ctx: AppContext) -> BotUsername:
    token = ctx.settings.telegram_token
    return BotUsername(token.get_secret_value() if token else None, ctx.settings.telegram_api_url)


def answer_site(ctx: AppContext) -> AnswerSite:
    settings = ctx.settings
    return AnswerSite(
        sessions=ctx.sessions,
        key=settings.signing_key(),
        public_url=settings.public_url,
        mailer=transactional_mailer(settings),
        default_language=settings.default_language,
        timezone=settings.timezone,
        trusted_proxy=settings.trusted_proxy,
        limiter=SlidingWindowLimiter(
            settings.subscribe_limit, settings.subscribe_window_minutes * 60
        ),
    )


def subscription_site(ctx: AppContext) -> SubscriptionSite:
    settings = ctx.settings
    return SubscriptionSite(
        sessions=ctx.sessions,
        settings=settings,
        mailer=transactional_mailer(settings),
        default_language=settings.default_language,
        trusted_proxy=settings.trusted_proxy,
        limiter=SlidingWindowLimiter(
            settings.subscribe_limit, settings.subscribe_window_minutes * 60
        ),
    )


async def serve_web(ctx: AppContext, stop: asyncio.Event) -> None:
    """Listen on AIVE_WEB_HOST:AIVE_WEB_PORT until `stop` is set; `CannotListen` when the
    address cannot be bound."""
    host, port = ctx.settings.web_host, ctx.settings.web_port
    runner = web.AppRunner(build_web_app(ctx), handle_signals=False, shutdown_timeout=5)
    await runner.setup()
    try:
        await web.TCPSite(
            runner, host, port, reuse_port=ctx.settings.web_reuse_port or None
        ).start()
    except OSError as exc:
        await runner.cleanup()
        errno = exc.errno if isinstance(exc.errno, int) and exc.errno > 0 else None
        reason = os.strerror(errno) if errno else str(exc.strerror or exc)  # gaierror: errno < 0
        raise CannotListen(host, port, reason) from exc
    log.info("web listening on http://%s:%s", ctx.settings.web_host, ctx.settings.web_port)
    # what start-up built (modules, templates, catalogs) lives as long as the process: kept out
    # of the collector's full passes, which otherwise walk it all and stall a request now and then
    gc.freeze()
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
