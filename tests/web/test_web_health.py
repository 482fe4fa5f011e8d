from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from app.context import AppContext
from app.settings import load_settings
from app.web import build_web_app
from storage.engine import create_engine, create_session_factory


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
