import socket

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from app.context import AppContext
from app.settings import load_settings
from app.web import build_web_app
from storage.engine import create_engine, create_session_factory


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


async def test_healthz_reports_the_database(engine: AsyncEngine) -> None:
    ctx = AppContext(load_settings(), engine, create_session_factory(engine))
    async with TestClient(TestServer(build_web_app(ctx))) as client:
        response = await client.get("/healthz")
        assert response.status == 200
        assert await response.json() == {"status": "ok", "database": "ok"}


async def test_healthz_says_degraded_when_the_database_is_gone() -> None:
    broken = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    ctx = AppContext(load_settings(), broken, create_session_factory(broken))
    async with TestClient(TestServer(build_web_app(ctx))) as client:
        response = await client.get("/healthz")
        assert response.status == 503
        assert (await response.json())["database"] == "unavailable"
    await broken.dispose()


async def test_readyz_is_ready_when_the_database_answers(engine: AsyncEngine) -> None:
    ctx = AppContext(load_settings(), engine, create_session_factory(engine))
    async with TestClient(TestServer(build_web_app(ctx))) as client:
        response = await client.get("/readyz")
        assert response.status == 200
        assert await response.json() == {"status": "ready", "checks": {"database": "ok"}}


async def test_readyz_says_why_not_ready_when_the_database_is_down() -> None:
    broken = create_engine("postgresql+asyncpg://nobody:pw@127.0.0.1:1/none")
    ctx = AppContext(load_settings(), broken, create_session_factory(broken))
    async with TestClient(TestServer(build_web_app(ctx))) as client:
        response = await client.get("/readyz")
        body = await response.json()
    await broken.dispose()

    assert response.status == 503
    assert body["status"] == "not ready"
    assert body["reason"].startswith("database: unavailable (")
    assert "pw" not in body["reason"] and "127.0.0.1" not in body["reason"]


async def test_readyz_checks_redis_when_configured(engine: AsyncEngine) -> None:
    nobody = load_settings(redis_url="redis://127.0.0.1:1/0")
    ctx = AppContext(nobody, engine, create_session_factory(engine))
    async with TestClient(TestServer(build_web_app(ctx))) as client:
        response = await client.get("/readyz")
        body = await response.json()

    assert response.status == 503
    assert body["checks"] == {"database": "ok", "redis": body["checks"]["redis"]}
    assert body["reason"].startswith("redis: unavailable (")


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
async def test_readyz_is_ready_with_a_redis_that_answers(engine: AsyncEngine) -> None:
    ctx = AppContext(
        load_settings(redis_url="redis://127.0.0.1:6379/15"), engine, create_session_factory(engine)
    )
    async with TestClient(TestServer(build_web_app(ctx))) as client:
        response = await client.get("/readyz")
        assert response.status == 200
        assert (await response.json())["checks"] == {"database": "ok", "redis": "ok"}


async def test_healthz_stays_a_liveness_check_of_the_process_and_database(
    engine: AsyncEngine,
) -> None:
    """/readyz adds Redis; /healthz does not look at it (Redis down is not a reason to restart)."""
    ctx = AppContext(
        load_settings(redis_url="redis://127.0.0.1:1/0"), engine, create_session_factory(engine)
    )
    async with TestClient(TestServer(build_web_app(ctx))) as client:
        assert (await client.get("/healthz")).status == 200
        assert (await client.get("/readyz")).status == 503
