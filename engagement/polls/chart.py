"""A bar chart of a poll's results as PNG bytes (matplotlib, Agg backend, no pyplot).

Figures are built with the object API on an Agg canvas, so nothing touches pyplot's global
state or a display: safe in a server process and in a worker thread.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from engagement.polls.results import PollResults

WIDTH_INCHES, DPI = 8.0, 100
BAR_COLOR = "#1f6f8b"


def results_chart(results: PollResults, *, votes_label: str = "votes") -> bytes:
    """One horizontal bar per option (first option on top), labelled `count (percent%)`."""
    options = results.options
    height = 1.6 + 0.55 * max(len(options), 2)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [textwrap.shorten(o.text, 40, placeholder="…") for o in options]
    counts = [o.count for o in options]
    positions = list(range(len(options)))
    axes.barh(positions, counts, color=BAR_COLOR)
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    top = max(counts, default=0)
    axes.set_xlim(0, max(top * 1.25, 1))
    for position, option in zip(positions, options, strict=True):
        axes.text(
            option.count + max(top, 1) * 0.02,
            position,
            f"{option.count} ({option.percent:g}%)",
            va="center",
        )
    axes.set_xlabel(votes_label)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title("\n".join(textwrap.wrap(results.question, 70)[:3]), fontsize=11)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
