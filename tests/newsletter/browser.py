"""Headless Chromium for layout checks, without Playwright: `--dump-dom` and `--screenshot`."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from html import escape
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
# `--dump-dom` lays pages out at least 500 px wide, so the email is measured inside an iframe of
# the exact width (its media queries see the iframe's width); the iframe's load handler writes
# what it measured into the DOM that --dump-dom prints.
WRAPPER = """<!doctype html><html><body style="margin:0">
<iframe id="mail" style="width:{width}px;height:3000px;border:0" srcdoc="{srcdoc}"></iframe>
<script>
document.getElementById("mail").addEventListener("load", function () {{
  var root = this.contentDocument.documentElement;
  document.body.setAttribute("data-measure", root.scrollWidth + "x" + root.clientWidth);
}});
</script></body></html>"""


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(chromium: str, args: list[str]) -> str:
    with tempfile.TemporaryDirectory(prefix="aive-chromium-") as profile:
        done = subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=90,
            check=True,
        )
    return done.stdout


def measure_width(chromium: str, html: str, width: int, workdir: Path) -> tuple[int, int]:
    """(scrollWidth, clientWidth) of the email laid out `width` pixels wide."""
    page = workdir / f"measure-{width}.html"
    page.write_text(WRAPPER.format(width=width, srcdoc=escape(html, quote=True)), encoding="utf-8")
    dom = _run(chromium, ["--window-size=800,900", "--dump-dom", page.as_uri()])
    found = re.search(r'data-measure="(\d+)x(\d+)"', dom)
    if not found:
        raise AssertionError(f"the page did not report its width; got {dom[-300:]!r}")
    return int(found.group(1)), int(found.group(2))


def screenshot(chromium: str, page: tuple[str, str], width: int, height: int, out: Path) -> None:
    """Save a `width`×`height` screenshot of the page at `base/name` to `out`."""
    base, name = page
    out.parent.mkdir(parents=True, exist_ok=True)
    _run(chromium, [f"--window-size={width},{height}", f"--screenshot={out}", f"{base}/{name}"])


def write_png(path: Path, width: int, height: int, seed: int) -> None:
    """A small gradient picture, so the screenshots show real images without the network."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            row += bytes(((x * 255 // width + seed * 40) % 256, (y * 255 // height) % 256, 140))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    )
