"""`aive campaign kit`: the staff command that hands cities their kit."""

import asyncio
import json
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from app.cli import app
from app.context import AppContext
from app.settings import load_settings
from app.web import build_web_app
from campaigns.kit import check_kit
from storage.engine import SessionFactory

runner = CliRunner()


def test_kit_command_writes_a_checked_kit_and_its_zip(
    cli_seeded_database: str, tmp_path: Path
) -> None:
    created = runner.invoke(
        app, ["campaign", "create", "--year", "2027", "--theme", "Cities that listen"]
    )
    assert created.exit_code == 0, created.output
    out = tmp_path / "kit-2027"

    result = runner.invoke(app, ["campaign", "kit", "--year", "2027", "--out", str(out), "--json"])

    assert result.exit_code == 0, result.output
    manifest = json.loads(result.stdout)
    assert manifest["zip"] == str(out.with_suffix(".zip")) and out.with_suffix(".zip").exists()
    paths = {f["path"] for f in manifest["files"]}
    for lang in ("fr", "es", "en", "pt", "ca"):
        assert any(p.startswith(f"{lang}/") and p.endswith(".png") for p in paths), lang
    assert check_kit(out) == []


def test_kit_of_a_year_without_campaign_is_refused_clearly(
    cli_seeded_database: str, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["campaign", "kit", "--year", "2031", "--out", str(tmp_path / "k")])
    assert result.exit_code == 1
    assert "2031" in result.output


async def test_the_kit_is_published_where_the_link_in_the_messages_points(
    engine: AsyncEngine,
    sessions: SessionFactory,
    cli_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kits = tmp_path / "kits"
    monkeypatch.setenv("AIVE_KIT_DIR", str(kits))
    monkeypatch.setenv("AIVE_PUBLIC_URL", "https://aive.example.org")
    # the commands run their own event loop: off this test's loop
    created = await asyncio.to_thread(runner.invoke, app, ["campaign", "create", "--year", "2027"])
    assert created.exit_code == 0, created.output
    kit_command = ["campaign", "kit", "--year", "2027", "--json"]  # no --out
    result = await asyncio.to_thread(runner.invoke, app, kit_command)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["out"] == str(kits / "2027")
    index_html = (kits / "2027" / "index.html").read_text(encoding="utf-8")
    assert "https://aive.example.org/campaigns/2027/kit/" in index_html

    settings = load_settings(kit_dir=kits)
    site = build_web_app(AppContext(settings, engine, sessions))
    async with TestClient(TestServer(site)) as client:
        index = await client.get("/campaigns/2027/kit/")
        assert index.status == 200 and index.content_type == "text/html"
        assert await index.text() == index_html
        redirect = await client.get("/campaigns/2027/kit", allow_redirects=False)
        assert redirect.status == 308 and redirect.headers["Location"] == "/campaigns/2027/kit/"
        card = next(p for p in (kits / "2027" / "fr").iterdir() if p.suffix == ".png")
        image = await client.get(f"/campaigns/2027/kit/fr/{card.name}")
        assert image.status == 200 and image.content_type == "image/png"
        assert await image.read() == card.read_bytes()
        whole = await client.get("/campaigns/2027/kit.zip")
        assert whole.status == 200 and await whole.read() == (kits / "2027.zip").read_bytes()
        (kits / "secret.txt").write_text("not for the public")
        for bad in (
            "/campaigns/2027/kit/../secret.txt",
            "/campaigns/2027/kit/%2E%2E/secret.txt",
            "/campaigns/2027/kit/fr/nothing.png",
            "/campaigns/2028/kit/",
            "/campaigns/2028/kit.zip",
        ):
            response = await client.get(bad)
            assert response.status == 404, bad
            assert "not for the public" not in await response.text()
