"""The published kit serves what is inside its folder, and nothing a link inside points out to."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from web.public.kit import setup_kit_routes


async def test_a_symlinked_index_pointing_outside_the_kit_is_not_served(tmp_path: Path) -> None:
    kits, secret = tmp_path / "kits", tmp_path / "secret.txt"
    secret.write_text("database password", encoding="utf-8")
    (kits / "2026" / "fr").mkdir(parents=True)
    (kits / "2026" / "fr" / "index.html").write_text("<p>kit fr</p>", encoding="utf-8")
    (kits / "2026" / "sub").mkdir()
    (kits / "2026" / "sub" / "index.html").symlink_to(secret)
    (kits / "2026" / "outside.txt").symlink_to(secret)
    app = web.Application()
    setup_kit_routes(app, kits)

    async with TestClient(TestServer(app)) as client:
        inside = await client.get("/campaigns/2026/kit/fr/")
        assert inside.status == 200 and "kit fr" in await inside.text()
        for path in ("/campaigns/2026/kit/sub/", "/campaigns/2026/kit/outside.txt"):
            response = await client.get(path)
            assert response.status == 404, path
            assert "database password" not in await response.text()


async def test_calendar_markdown_and_csv_are_served_with_their_types(tmp_path: Path) -> None:
    folder = tmp_path / "kits" / "2026" / "fr"
    folder.mkdir(parents=True)
    for name in ("calendar.ics", "press-release.md", "activities.csv", "posts.txt"):
        (folder / name).write_text("x", encoding="utf-8")
    app = web.Application()
    setup_kit_routes(app, tmp_path / "kits")

    async with TestClient(TestServer(app)) as client:
        for name, expected in (
            ("calendar.ics", "text/calendar"),
            ("press-release.md", "text/markdown"),
            ("activities.csv", "text/csv"),
            ("posts.txt", "text/plain"),
        ):
            response = await client.get(f"/campaigns/2026/kit/fr/{name}")
            assert response.status == 200
            assert response.content_type == expected, name
            assert response.charset == "utf-8", name


async def test_the_kit_index_follows_the_readers_language(tmp_path: Path) -> None:
    folder = tmp_path / "kits" / "2026"
    folder.mkdir(parents=True)
    for name, text in (
        ("index.html", "kit fr"),
        ("index.fr.html", "kit fr"),
        ("index.en.html", "kit en"),
        ("index.ca.html", "kit ca"),
    ):
        (folder / name).write_text(text, encoding="utf-8")
    app = web.Application()
    setup_kit_routes(app, tmp_path / "kits")

    async with TestClient(TestServer(app)) as client:
        for path, headers, expected in (
            ("/campaigns/2026/kit/?lang=ca", {"Accept-Language": "en"}, "kit ca"),
            ("/campaigns/2026/kit/", {"Accept-Language": "en-US,en;q=0.9"}, "kit en"),
            ("/campaigns/2026/kit/index.html?lang=en", {}, "kit en"),
            ("/campaigns/2026/kit/?lang=xx", {"Accept-Language": "de"}, "kit fr"),
        ):
            response = await client.get(path, headers=headers)
            assert response.status == 200 and await response.text() == expected, path
            assert response.content_type == "text/html"
            assert "Accept-Language" in response.headers.get("Vary", "")
