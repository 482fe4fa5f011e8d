"""The bulletin in a real browser: readable on a phone (375 px) and on a desktop (600 px).

Needs Debian's `chromium` (`make browser` installs it when it can); skipped without it.
Screenshots land in var/screenshots/ for a human look.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app import catalogs
from newsletter.editions.render import render_edition, web_version
from tests.newsletter.browser import find_chromium, measure_width, screenshot, write_png
from tests.newsletter.sample_edition import sample_context, sample_edition, sample_items
from tests.static_site import serve_folder

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM = find_chromium()

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (make browser, or apt-get install chromium)"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A local web server for the pictures and the page (no network needed)."""
    root = tmp_path_factory.mktemp("site")
    for n in range(1, 21):
        write_png(root / f"{n}.png", 240, 160, n)
    with serve_folder(root) as url:
        yield root, url


def test_bulletin_fits_a_phone_and_a_desktop(site: tuple[Path, str]) -> None:
    language = "pt"
    assert CHROMIUM is not None
    catalogs.compile_all()
    root, base = site
    items = sample_items(image_url=base + "/{id}.png")
    rendered = render_edition(sample_edition(language, items), sample_context())
    page = web_version(rendered.html, public_url="https://comms.example.org")
    (root / f"{language}.html").write_text(page, encoding="utf-8")

    scroll, client = measure_width(CHROMIUM, page, 375, root)
    assert client == 375
    assert scroll <= client, f"horizontal overflow on a phone: {scroll}px > {client}px"
    scroll, client = measure_width(CHROMIUM, page, 600, root)
    assert scroll <= client == 600

    for width in (375, 600):
        out = SCREENSHOTS / f"edition-{language}-{width}.png"
        screenshot(CHROMIUM, (base, f"{language}.html"), width, 2600, out)
        assert out.stat().st_size > 10_000  # a picture, not a blank page
