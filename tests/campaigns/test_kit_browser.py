"""The kit's pages in a real browser: each language's index fits a phone (375 px) without
sideways scrolling, previews opened; screenshots at 375 and 1280 px land in var/screenshots/.

Needs Debian's `chromium` (`make browser`); skipped without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from campaigns.kit import KIT_LANGUAGES, build_kit
from tests.campaigns.kit.sample import sample_kit
from tests.newsletter.browser import find_chromium, measure_width, screenshot

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM = find_chromium()

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (make browser, or apt-get install chromium)"
)


def test_every_kit_index_fits_a_phone_with_its_previews_open(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    build_kit(sample_kit(), tmp_path)
    for language in KIT_LANGUAGES:
        page = (tmp_path / f"index.{language}.html").read_text("utf-8")
        opened = page.replace("<details>", "<details open>")
        scroll, client = measure_width(CHROMIUM, opened, 375, tmp_path)
        assert client == 375
        assert scroll <= client, f"{language}: sideways scroll on a phone: {scroll}px > {client}px"
    for language in ("fr", "en"):
        for width in (375, 1280):
            out = SCREENSHOTS / f"kit-index-{language}-{width}.png"
            screenshot(CHROMIUM, (tmp_path.as_uri(), f"index.{language}.html"), width, 2400, out)
            assert out.stat().st_size > 0
