"""Compose and render one edition from 5,000 generated items.

Prints compose time, render time (Jinja2 → MJML → HTML + text), their total (goal: < 0.5 s),
the HTML size, and ratios against baselines measured in the same run: bare `mjml2html` of the
same final MJML string, and bare Jinja2 rendering of that MJML.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from mjml import mjml2html

from app.catalogs import compile_all
from newsletter.editions.compose import compose_edition
from newsletter.editions.render import RenderContext, render_edition, render_mjml
from newsletter.editions.values import (
    CandidateItem,
    ComposedEdition,
    ComposeOptions,
    OpenConsultation,
    Period,
    StaffEdits,
    UpcomingCafe,
    YouthSubmission,
)

ITEMS = 5_000
RUNS = 7
END = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
PERIOD = Period(END - timedelta(days=30), END)
LANGUAGES = ("en", "fr", "es", "pt", "ca")
COUNTRIES = ("ES", "PT", "FR", "BR", "AR", "MX", "IT", "KR", "SN", "CA", "CO", "CL")
NETWORKS = ("global", "spain", "portugal", "brazil", "latin-america", "francophone")


def generate(count: int, rng: random.Random) -> list[CandidateItem]:
    items = []
    for n in range(count):
        country = rng.choice(COUNTRIES)
        items.append(
            CandidateItem(
                id=n + 1,
                title=f"Item {n + 1}: a city project about schools, parks and participation",
                url=f"https://news.example.org/{country.lower()}/{n + 1}",
                published_at=END - timedelta(minutes=rng.randrange(60 * 24 * 40)),
                language=rng.choice(LANGUAGES),
                summary_text="The council opened a new network of school streets. " * 5,
                image_url=f"https://images.example.org/{n + 1}.jpg",
                source_priority=rng.choice((0, 0, 0, 1, 2)),
                city=f"City {rng.randrange(400)}",
                country=country,
                networks=tuple(rng.sample(NETWORKS, rng.randint(1, 2))),
                tags=("mayor",) if rng.random() < 0.05 else (),
                event_date=date(2026, 3, 10) + timedelta(days=rng.randrange(1, 40))
                if rng.random() < 0.05
                else None,
            )
        )
    return items


T = TypeVar("T")


def median_time(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    """Median seconds over `runs`, and the last result."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    compile_all()
    items = generate(ITEMS, random.Random(2026))
    context = RenderContext("monthly", "Educating Cities Monthly", 42, "https://comms.example.org")

    def compose() -> ComposedEdition:
        return compose_edition(
            items,
            language="fr",
            period=PERIOD,
            series_networks=("global", "francophone"),
            options=ComposeOptions(target_count=20, minimum_count=12),
            edits=StaffEdits(
                pinned=(17, 4242), excluded=frozenset({1, 2, 3}), editorial="Bonjour."
            ),
            cafes=[UpcomingCafe(1, "Café", END + timedelta(days=3), "https://t.me/b?start=c1")],
            consultations=[
                OpenConsultation(1, "Déclaration", END + timedelta(days=9), "https://c")
            ],
            youth=[YouthSubmission(1, "Plus d'arbres !", "Léa", "Lyon", "FR", "fr")],
        )

    cold_start = time.perf_counter()
    edition = compose()
    cold_rendered = render_edition(edition, context)
    cold = time.perf_counter() - cold_start

    compose_s, edition = median_time(RUNS, compose)
    render_s, rendered = median_time(RUNS, lambda: render_edition(edition, context))
    source = render_mjml(edition, context)
    jinja_s, _ = median_time(RUNS, lambda: render_mjml(edition, context))
    mjml_s, _ = median_time(RUNS, lambda: mjml2html(source))
    total = compose_s + render_s
    html_bytes = len(rendered.html.encode("utf-8"))
    assert cold_rendered.html == rendered.html

    print(f"items: {ITEMS:,} candidates → {edition.spread.total} in the edition")
    print(f"compose:  {compose_s * 1000:8.2f} ms (median of {RUNS})")
    print(f"render:   {render_s * 1000:8.2f} ms (HTML + text, warm templates)")
    print(f"total:    {total * 1000:8.2f} ms  (goal < 500 ms: {'ok' if total < 0.5 else 'MISSED'})")
    print(f"cold:     {cold * 1000:8.2f} ms (first compose + render, templates compiled)")
    print(f"html:     {html_bytes / 1024:8.1f} KiB (Gmail clips beyond 102 KiB)")
    print(
        f"baseline mjml2html of the same MJML: {mjml_s * 1000:.2f} ms; "
        f"render/mjml2html = {render_s / mjml_s:.1f}x"
    )
    print(
        f"baseline Jinja2 to MJML only:        {jinja_s * 1000:.2f} ms; "
        f"render/jinja2 = {render_s / jinja_s:.1f}x"
    )


if __name__ == "__main__":
    main()
