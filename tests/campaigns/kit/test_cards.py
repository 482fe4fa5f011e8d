"""Social cards come out at exactly the size each network wants, with every line of text inside
the margins, even for long titles in every language."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from campaigns.kit import KIT_LANGUAGES
from campaigns.kit.cards import (
    BACKGROUND,
    BOLD_FONT,
    ELLIPSIS,
    SQUARE,
    WIDE,
    CardLayout,
    _font,
    card_png,
    fit,
    wrap,
)
from campaigns.kit.content import kit_texts
from tests.campaigns.kit.sample import sample_kit


def assert_inside(layout: CardLayout, image: Image.Image) -> None:
    width, height = layout.size
    for line in layout.lines:
        left, top, right, bottom = line.ink
        assert layout.margin <= left and right <= width - layout.margin, line
        assert layout.margin <= top and bottom <= height - layout.margin, line
        assert any(
            b[0] <= left and right <= b[2] and b[1] <= top and bottom <= b[3] for b in layout.boxes
        ), line
    # and on the picture itself: the whole margin frame is plain background
    band = layout.margin - 1
    strips = [
        (0, 0, width, band),
        (0, height - band, width, height),
        (0, 0, band, height),
        (width - band, 0, width, height),
    ]
    for strip in strips:
        assert image.crop(strip).getcolors(1) == [(len_of(strip), BACKGROUND)], strip


def len_of(box: tuple[int, int, int, int]) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


@pytest.mark.parametrize("size", [SQUARE, WIDE])
@pytest.mark.parametrize("language", KIT_LANGUAGES)
def test_long_titles_stay_inside_the_margins(language: str, size: tuple[int, int]) -> None:
    texts = kit_texts(sample_kit(), language)
    data, layout = card_png(texts, size)
    image = Image.open(BytesIO(data))
    assert image.format == "PNG" and image.size == size
    assert_inside(layout, image.convert("RGB"))
    shown = " ".join(line.text for line in layout.lines)
    assert texts.date_label.split()[0] in shown
    assert texts.theme.split()[0] in shown


def test_an_endless_title_is_shrunk_then_cut_with_an_ellipsis() -> None:
    kit = sample_kit(theme={"pt": "Cidades educadoras e inclusivas " * 150}, languages=("pt",))
    data, layout = card_png(kit_texts(kit, "pt"), WIDE)
    image = Image.open(BytesIO(data)).convert("RGB")
    assert_inside(layout, image)
    title_lines = [line for line in layout.lines if line.text.startswith(("Cidades", "educ", "e "))]
    assert any(line.text.endswith(ELLIPSIS) for line in layout.lines)
    assert title_lines and all(line.size < 70 for line in title_lines)


def test_at_the_smallest_size_the_lines_that_do_not_fit_are_dropped() -> None:
    size, lines = fit("Cidades educadoras e inclusivas " * 20, BOLD_FONT, (0, 0, 300, 60), 40, 16)
    assert size == 16 and 1 <= len(lines) <= 3
    assert lines[-1].endswith(ELLIPSIS)
    font = _font(BOLD_FONT, 16)
    assert all(font.getlength(line) <= 300 for line in lines)


def test_a_word_wider_than_the_card_is_broken_not_overflowing() -> None:
    word = "Intergeneracionalitat" * 6
    kit = sample_kit(theme={"ca": word}, languages=("ca",))
    data, layout = card_png(kit_texts(kit, "ca"), SQUARE)
    assert_inside(layout, Image.open(BytesIO(data)).convert("RGB"))
    assert "".join(line.text for line in layout.lines).count("Intergeneracionalitat") >= 5


def test_fit_uses_the_largest_size_that_fits() -> None:
    box = (0, 0, 1200, 400)
    size, lines = fit("Ciutats educadores", BOLD_FONT, box, 120)
    assert size == 120 and lines == ["Ciutats educadores"]
    size, lines = fit("Ciutats educadores " * 8, BOLD_FONT, box, 120)
    assert size < 120
    font = _font(BOLD_FONT, size)
    assert wrap(" ".join(lines), font, 1200) == lines
