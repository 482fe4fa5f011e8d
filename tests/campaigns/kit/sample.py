"""A kit with everything in it: long titles in every language, a hostile activity title."""

from __future__ import annotations

from datetime import UTC, date, datetime

from campaigns.kit import Activity, DayItem, KitInput
from newsletter.editions.values import YouthSubmission

LONG_THEMES = {
    "ca": "Ciutats educadores que escolten, cuiden i transformen: la participació de la "
    "ciutadania i la col·laboració intergeneracional com a motors d'aprenentatge permanent",
    "pt": "Cidades educadoras que escutam, cuidam e transformam: a participação cidadã e a "
    "colaboração intergeracional como motores de aprendizagem ao longo da vida",
    "fr": "Des villes éducatrices qui écoutent, prennent soin et transforment : la participation "
    "citoyenne et la coopération intergénérationnelle au cœur de l'apprentissage",
    "es": "Ciudades educadoras que escuchan, cuidan y transforman: la participación ciudadana y "
    "la colaboración intergeneracional como motores del aprendizaje a lo largo de la vida",
    "en": "Educating cities that listen, care and transform: citizen participation and "
    "intergenerational collaboration as engines of lifelong learning",
}
HOSTILE = "Open day <script>alert('x')</script> & friends"
DAY_URL = "https://www.edcities.org/en/international-day/"


def sample_kit(**changes: object) -> KitInput:
    values: dict[str, object] = {
        "year": 2026,
        "theme": LONG_THEMES,
        "declaration": {"en": "Cities commit to education for all.\n\nSecond paragraph."},
        "activities": (
            Activity(
                city="Barcelona",
                country="ES",
                title=HOSTILE,
                date=date(2026, 11, 30),
                place="Plaça de Catalunya",
                audience="Families",
                link="https://bcn.example.org/day",
                networks=("spain",),
            ),
            Activity(city="Lisboa", country="PT", title="Passeio educador", date_text="em breve"),
            Activity(
                city="Rosario",
                country="AR",
                title='=HYPERLINK("http://evil")',
                date=date(2026, 11, 28),
            ),
        ),
        "youth": (
            YouthSubmission(id=7, text="Benches for reading — in every park", author="Yuna"),
            YouthSubmission(id=8, text="Free buses on Sundays", author="", city="Lyon"),
        ),
        "day_items": (
            DayItem(
                title="Journée internationale de la Ville éducatrice à Lyon",
                url="https://lyon.example.org/journee",
                published_at=datetime(2026, 11, 2, tzinfo=UTC),
                city="Lyon",
                country="FR",
                event_date=date(2026, 11, 29),
            ),
        ),
        "url": DAY_URL,
        "generated_at": datetime(2026, 10, 1, 8, 0, tzinfo=UTC),
    }
    values.update(changes)
    return KitInput(**values)  # type: ignore[arg-type]
