"""What operators and their tools ask the web app: `/readyz` (can this process serve?) and
`/metrics` (Prometheus text format, every process of the Procfile counted).

`/healthz` (app/web.py) stays the liveness check; `/readyz` answers 503 with the reasons while
the database, or Redis when AIVE_REDIS_URL is set, does not answer within READY_TIMEOUT.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client.core import GaugeMetricFamily

from app.context import AppContext
from storage.engine import ping
from storage.queue_depth_queries import deliveries_by_state, outbox_by_state
from telemetry.logs import bound
from telemetry.metrics import HTTP_REQUESTS, exposition

log = logging.getLogger(__name__)
READY_TIMEOUT = 3.0
PROBES = web.AppKey("probes_context", AppContext)


def setup_probe_routes(app: web.Application, ctx: AppContext) -> None:
    app[PROBES] = ctx
    app.middlewares.insert(0, count_requests)  # outermost: it sees the status finally sent
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)


@web.middleware
async def count_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count each request by its route's pattern (not its path: tokens are in paths) and status
    class (2xx, 4xx, 5xx), with a request id on every line logged while it is handled."""
    route = request.match_info.route.resource
    name = route.canonical if route is not None else "unmatched"
    status = 500
    given = request.headers.get("X-Request-Id", "")[:64]
    with bound(request_id=given or uuid.uuid4().hex[:12]):
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            HTTP_REQUESTS.labels(name, f"{status // 100}xx").inc()


async def readyz(request: web.Request) -> web.Response:
    ctx = request.app[PROBES]
    checks = {"database": await _database(ctx)}
    if ctx.settings.redis_url:
        checks["redis"] = await _redis(ctx.settings.redis_url)
    reasons = [f"{name}: {problem}" for name, problem in checks.items() if problem]
    body = {
        "status": "not ready" if reasons else "ready",
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    if reasons:
        body["reason"] = "; ".join(reasons)
        log.warning("not ready: %s", body["reason"])
    return web.json_response(body, status=503 if reasons else 200)


async def _database(ctx: AppContext) -> str | None:
    """None when the database answers, else why not (never the URL: it may hold a password)."""
    try:
        async with asyncio.timeout(READY_TIMEOUT), ctx.engine.connect() as conn:
            await ping(conn)
    except TimeoutError:
        return f"no answer within {READY_TIMEOUT:.0f} s"
    except Exception as exc:  # any failure makes the process not ready; say which kind
        return f"unavailable ({type(exc).__name__})"
    return None


async def _redis(url: str) -> str | None:
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(url, socket_connect_timeout=READY_TIMEOUT)
    try:
        async with asyncio.timeout(READY_TIMEOUT):
            await client.ping()
    except TimeoutError:
        return f"no answer within {READY_TIMEOUT:.0f} s"
    except (RedisError, OSError) as exc:
        return f"unavailable ({type(exc).__name__})"
    finally:
        await client.aclose()
    return None


async def metrics(request: web.Request) -> web.Response:
    ctx = request.app[PROBES]
    body, content_type = exposition(await _queue_gauges(ctx))
    response = web.Response(body=body)
    response.headers["Content-Type"] = content_type
    return response


async def _queue_gauges(ctx: AppContext) -> list[GaugeMetricFamily]:
    """Queue depths read now; none when the database does not answer (the scrape still works,
    and `aive_errors_total` or /readyz tell why)."""
    deliveries = GaugeMetricFamily(
        "aive_delivery_queue", "Deliveries of editions being sent, by state", labels=["state"]
    )
    outbox = GaugeMetricFamily(
        "aive_outbox_queue", "Chat outbox messages of live broadcasts, by state", labels=["state"]
    )
    try:
        async with asyncio.timeout(READY_TIMEOUT), ctx.sessions() as session:
            for state, count in (await deliveries_by_state(session)).items():
                deliveries.add_metric([state], count)
            for state, count in (await outbox_by_state(session)).items():
                outbox.add_metric([state], count)
    except Exception as exc:  # a scrape must not fail because the database does
        log.warning("metrics: queue depths unavailable: %s", type(exc).__name__)
        return []
    return [deliveries, outbox]
