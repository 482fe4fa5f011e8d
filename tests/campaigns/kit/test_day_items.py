"""Feed items that announce the Day are found in every language, and others are not."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from campaigns.kit.day_items import announces_day, mentions_the_day, names_the_day

NOV = datetime(2026, 11, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "Lyon fête la Journée internationale de la Ville éducatrice",
        "JOURNEE INTERNATIONALE DES VILLES EDUCATRICES : programme",
        "Gijón celebra el Día Internacional de la Ciudad Educadora",
        "Actividades del día internacional de las ciudades educadoras",
        "Join us for the International Day of Educating Cities!",
        "Educating Cities Day 2026 in Changwon",
        "Lisboa assinala o Dia Internacional da Cidade Educadora",
        "Dia Internacional das Cidades Educadoras: programa",
        "Granollers celebra el Dia Internacional de la Ciutat Educadora",
        "Dia internacional de les ciutats educadores a Sabadell",
        "Torino per la Giornata internazionale della Città educativa",
        "El 30 de novembre, Barcelona ciutat educadora",
        "Ciudades educadoras #30N",
    ],
)
def test_the_day_is_recognised_in_each_language(text: str) -> None:
    assert mentions_the_day(text)


@pytest.mark.parametrize(
    "text",
    [
        "International Day of Persons with Disabilities",
        "La ciudad celebra el Día del Libro",
        "Ciudades educadoras: día a día en las escuelas",
        "30 de noviembre: fiesta del barrio",
        "Educating the city council on budgets",
        "",
    ],
)
def test_unrelated_texts_are_ignored(text: str) -> None:
    assert not mentions_the_day(text)


def test_naming_needs_the_day_and_the_cities() -> None:
    assert names_the_day("Día Internacional de la Ciudad Educadora")
    assert not names_the_day("Ciudad educadora, 30 de noviembre")


def test_an_item_counts_when_its_event_is_around_30_november() -> None:
    title = "Día Internacional de la Ciudad Educadora en Gijón"
    kwargs = {"year": 2026, "published_at": NOV}
    assert announces_day(title, "", event_date=date(2026, 11, 25), **kwargs)
    assert announces_day(title, "", event_date=date(2026, 12, 5), **kwargs)
    assert not announces_day(title, "", event_date=date(2026, 12, 6), **kwargs)
    assert not announces_day(title, "", event_date=date(2026, 11, 24), **kwargs)


def test_without_an_event_date_the_item_must_be_from_this_years_season() -> None:
    text = "Programa del Día Internacional de la Ciudad Educadora"
    assert announces_day("Programa", text, year=2026, published_at=NOV)
    last_year = datetime(2025, 11, 30, tzinfo=UTC)
    assert not announces_day("Programa", text, year=2026, published_at=last_year)
    spring = datetime(2026, 4, 1, tzinfo=UTC)
    assert not announces_day("Programa", text, year=2026, published_at=spring)


def test_an_item_that_does_not_mention_the_day_is_left_out_even_on_the_day() -> None:
    assert not announces_day(
        "Fiesta de otoño", "Música", year=2026, published_at=NOV, event_date=date(2026, 11, 30)
    )
