"""A typical edition for render tests, browser checks and the benchmark: 20 items with images."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from newsletter.editions.compose import compose_edition
from newsletter.editions.render import RenderContext
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

END = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
PERIOD = Period(END - timedelta(days=7), END)
CITIES = (
    ("Barcelona", "ES", "es"),
    ("Lisboa", "PT", "pt"),
    ("Lyon", "FR", "fr"),
    ("Rosario", "AR", "es"),
    ("Curitiba", "BR", "pt"),
    ("Granollers", "ES", "ca"),
    ("Dakar", "SN", "fr"),
    ("Changwon", "KR", "en"),
    ("Guadalajara", "MX", "es"),
    ("Porto", "PT", "pt"),
    ("Montréal", "CA", "fr"),
    ("Girona", "ES", "ca"),
)
SUMMARY = (
    "The city council opened a new network of school streets where children walk and cycle "
    "safely, with the participation of families, teachers and neighbourhood associations, and "
    "a calendar of workshops for the whole school year. "
)


IMAGES = "https://images.example.org/{id}.jpg"
TITLE = "{city}: school streets and green playgrounds for every neighbourhood ({n})"


def sample_items(count: int = 20, image_url: str = IMAGES) -> list[CandidateItem]:
    items = []
    for n in range(count):
        city, country, lang = CITIES[n % len(CITIES)]
        items.append(
            CandidateItem(
                id=n + 1,
                title=TITLE.format(city=city, n=n + 1),
                url=f"https://news.example.org/{city.lower()}/{n + 1}",
                published_at=END - timedelta(hours=3 + 7 * n),
                language=lang,
                summary_text=SUMMARY * 2,
                image_url=image_url.format(id=n + 1),
                image_alt="" if n % 3 else f"Children crossing a street in {city}",
                source_name=f"Ajuntament de {city}",
                source_priority=1 if n % 5 == 0 else 0,
                city=city,
                country=country,
                networks=("global", "spain") if country == "ES" else ("global",),
                tags=("mayor",) if n in (4, 9) else (),
                event_date=date(2026, 3, 20 + n % 5) if n in (2, 7, 12) else None,
            )
        )
    return items


def sample_edition(
    language: str = "en", items: Sequence[CandidateItem] | None = None, target: int = 20
) -> ComposedEdition:
    return compose_edition(
        sample_items() if items is None else items,
        language=language,
        period=PERIOD,
        series_networks=("global",),
        options=ComposeOptions(target_count=target, minimum_count=target, max_per_city=2),
        edits=StaffEdits(
            editorial="Dear friends,\n\nThis month the cities talk about school streets.",
        ),
        cafes=[
            UpcomingCafe(
                1,
                "Educating café: the right to play",
                END + timedelta(days=4, hours=9),
                "https://t.me/aive_bot?start=cafe-1",
                "Barcelona",
                "ES",
                "es",
            )
        ],
        consultations=[
            OpenConsultation(
                1,
                "Declaration 2026",
                END + timedelta(days=20),
                "https://t.me/aive_bot?start=consult-1",
            )
        ],
        youth=[
            YouthSubmission(
                1,
                "We want more trees on the way to school and safe bike lanes.",
                "Júlia",
                "Girona",
                "ES",
                "ca",
            ),
        ],
    )


def sample_context(**overrides: object) -> RenderContext:
    values: dict[str, object] = {
        "series_slug": "monthly",
        "series_title": "Educating Cities Monthly",
        "edition_id": 42,
        "public_url": "https://comms.example.org",
    }
    values.update(overrides)
    return RenderContext(**values)  # type: ignore[arg-type]
