"""Social cards as PNG (1080×1080 and 1200×630), with text that never leaves its box.

Each text block has a box inside the margins; its text is wrapped by measured pixel width and
its font shrinks until every line fits the box's width and the block its height. At the
smallest size, lines that still do not fit are dropped and the last kept one ends with "…";
a single word wider than the box is broken between letters. The layout records every line's
ink box so that tests (and anyone) can check that nothing crosses the margins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

import font_roboto
from PIL import Image, ImageDraw, ImageFont

from campaigns.kit.content import KitTexts
from campaigns.kit.posts import hashtags_for

SQUARE = (1080, 1080)
WIDE = (1200, 630)
BACKGROUND = (0, 96, 122)  # the bulletin's teal
TEXT = (255, 255, 255)
ACCENT = (253, 232, 200)
ELLIPSIS = "…"
MAX_CHARACTERS = 400

REGULAR_FONT = Path(font_roboto.font_files["Roboto"])
BOLD_FONT = Path(font_roboto.font_files["RobotoBold"])

Box = tuple[int, int, int, int]  # left, top, right, bottom (right and bottom exclusive)


@dataclass(frozen=True, slots=True)
class PlacedLine:
    text: str
    size: int
    ink: Box  # where the glyphs actually are on the canvas


@dataclass(frozen=True, slots=True)
class CardLayout:
    size: tuple[int, int]
    margin: int
    boxes: tuple[Box, ...]
    lines: tuple[PlacedLine, ...]


@dataclass(frozen=True, slots=True)
class _Block:
    text: str
    font: Path
    share: float  # of the inner height
    max_size: int
    color: tuple[int, int, int]


@cache
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _width(font: ImageFont.FreeTypeFont, text: str) -> int:
    left, _top, right, _bottom = font.getbbox(text, anchor="ls")
    return int(right - min(left, 0))


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap by measured width; a word wider than `width` is broken."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if _width(font, candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while _width(font, word) > width:
            cut = max(1, _longest_prefix(font, word, width))
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def _longest_prefix(font: ImageFont.FreeTypeFont, word: str, width: int) -> int:
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if _width(font, word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _block_height(font: ImageFont.FreeTypeFont, lines: list[str]) -> tuple[int, int, int]:
    """(ascent above the first baseline, line pitch, total height) of `lines`.

    The ink of tall accents or deep descenders counts when it passes the font's metrics."""
    ascent, descent = font.getmetrics()
    for line in lines:
        _left, top, _right, bottom = font.getbbox(line, anchor="ls")
        ascent, descent = max(ascent, int(-top) + 1), max(descent, int(bottom) + 1)
    pitch = max(round(font.size * 1.18), ascent + descent // 2)
    return ascent, pitch, ascent + (len(lines) - 1) * pitch + descent if lines else 0


def fit(
    text: str, path: Path, box: Box, max_size: int, min_size: int = 14
) -> tuple[int, list[str]]:
    """The largest font size (and lines) at which `text` fits `box`; truncated at `min_size`."""
    width, height = box[2] - box[0], box[3] - box[1]
    if len(text) > MAX_CHARACTERS:  # no card shows more; spares measuring a whole essay
        text = text[:MAX_CHARACTERS].rsplit(" ", 1)[0] + ELLIPSIS
    size = max_size
    while True:
        font = _font(path, size)
        lines = wrap(text, font, width)
        if _block_height(font, lines)[2] <= height:
            return size, lines
        if size <= min_size:
            return size, _truncate(lines, font, width, height)
        size = max(min_size, int(size * 0.92))


def _truncate(lines: list[str], font: ImageFont.FreeTypeFont, width: int, height: int) -> list[str]:
    low, high = 0, len(lines)  # the most lines that fit, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if _block_height(font, lines[:middle])[2] <= height:
            low = middle
        else:
            high = middle - 1
    kept = lines[:low]
    if not kept:
        return []
    last = kept[-1]
    while last and _width(font, last + ELLIPSIS) > width:
        last = last[:-1].rstrip()
    kept[-1] = last + ELLIPSIS
    return kept


def _blocks(texts: KitTexts) -> list[_Block]:
    footer = f"{texts.date_label} · {' '.join(hashtags_for(texts.language)[:2])}"
    return [
        _Block(texts.day_name.upper(), BOLD_FONT, 0.2, 44, ACCENT),
        _Block(texts.title, BOLD_FONT, 0.58, 120, TEXT),
        _Block(footer, REGULAR_FONT, 0.16, 40, TEXT),
    ]


def draw_card(texts: KitTexts, size: tuple[int, int]) -> tuple[Image.Image, CardLayout]:
    """The card of `texts` at `size`, and where everything went."""
    width, height = size
    margin = round(min(width, height) * 0.08)
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    inner_height = height - 2 * margin
    gap = round(inner_height * 0.03)
    top = margin
    boxes: list[Box] = []
    placed: list[PlacedLine] = []
    scale = min(width, height) / 1080
    for block in _blocks(texts):
        box_height = round(inner_height * block.share)
        box = (margin, top, width - margin, top + box_height - gap)
        boxes.append(box)
        largest = round(block.max_size * scale)
        font_size, lines = fit(block.text, block.font, box, largest, max(16, largest // 4))
        font = _font(block.font, font_size)
        ascent, pitch, _total = _block_height(font, lines)
        for index, line in enumerate(lines):
            baseline = box[1] + ascent + index * pitch
            left = box[0] - min(0, int(font.getbbox(line, anchor="ls")[0]))
            draw.text((left, baseline), line, font=font, fill=block.color, anchor="ls")
            ink = draw.textbbox((left, baseline), line, font=font, anchor="ls")
            placed.append(PlacedLine(line, font_size, tuple(int(v) for v in ink)))  # type: ignore[arg-type]
        top += box_height
    bar_top = height - margin - round(margin * 0.15)
    draw.rectangle((margin, bar_top, margin + round(width * 0.12), height - margin - 1), ACCENT)
    layout = CardLayout(size=size, margin=margin, boxes=tuple(boxes), lines=tuple(placed))
    return image, layout


def card_png(texts: KitTexts, size: tuple[int, int]) -> tuple[bytes, CardLayout]:
    image, layout = draw_card(texts, size)
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), layout
