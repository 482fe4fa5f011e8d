"""The demo's pictures: the example feeds point at images of made-up cities (`*.example`), which
no one serves; the demo ships them in `examples/feeds/img/`, serves them at `/demo/img/NAME`
and points its items there, so a newcomer's first bulletin shows its pictures."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

PREFIX = "/demo/img/"
ROOT = Path(__file__).resolve().parents[2]
# an installed wheel carries them as app/examples/ (see setup.py); a checkout has them at its root
EXAMPLES = ROOT / "app" / "examples" if (ROOT / "app" / "examples").is_dir() else ROOT / "examples"
DEMO_IMAGES = EXAMPLES / "feeds" / "img"


def demo_image_url(image_url: str, images: Path, public_url: str) -> str | None:
    """Where the demo serves the picture `image_url` of an example feed, or None when it is no
    example picture (another host, or a file the demo does not ship)."""
    parts = urlsplit(image_url)
    name = Path(parts.path).name
    if not (parts.hostname or "").endswith(".example") or not (images / name).is_file():
        return None
    return f"{public_url.rstrip('/')}{PREFIX}{name}"


def setup_demo_images(app: web.Application, images: Path) -> None:
    """Serve the files of `images` (and nothing else) at /demo/img/NAME."""
    if images.is_dir():
        app.router.add_static(PREFIX, images, follow_symlinks=False, show_index=False)
