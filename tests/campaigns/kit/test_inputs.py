"""The kit reads what cities declared in the D-45 consultation, the youth ideas approved this
year and the feed items that announce the Day (on SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.kit import build_kit, check_kit, load_kit_inputs
from campaigns.kit.inputs import activities_slug
from storage.consultations import Consultation, ConsultationResponse, ResponseStatus
from storage.engine import SessionFactory
from storage.feeds import Item, ItemSource, Source
from storage.networks import City, Network
from storage.people import Person
from storage.youth import AgeBracket, PublishAs, SubmissionStatus, Theme, YouthProfile
from storage.youth import YouthSubmission as StoredIdea

NOV = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


async def add_world(session: AsyncSession) -> None:
    spain = Network(slug="spain", names={"en": "Spain"})
    bcn = City(name="Barcelona", country="ES", networks=[spain])
    lisboa = City(name="Lisboa", country="PT")
    lyon = City(name="Lyon", country="FR")
    session.add_all([spain, bcn, lisboa, lyon])
    await session.flush()
    consultation = Consultation(
        slug=activities_slug(2026),
        definition={},
        titles={"en": "Activities 2026"},
        audience="city_representatives",
        one_response_per="city",
        opens_at=datetime(2026, 10, 16, tzinfo=UTC),
        closes_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    other = Consultation(
        slug="day-2025-activities",
        definition={},
        audience="city_representatives",
        one_response_per="city",
        opens_at=datetime(2025, 10, 16, tzinfo=UTC),
        closes_at=datetime(2025, 11, 20, tzinfo=UTC),
    )
    session.add_all([consultation, other])
    await session.flush()

    def response(consultation_id: int, city: City, answers: dict[str, object], **kw: object):
        return ConsultationResponse(
            consultation_id=consultation_id,
            unit="city",
            city_id=city.id,
            language="es",
            answers=answers,
            **kw,
        )

    session.add_all(
        [
            response(
                consultation.id,
                bcn,
                {
                    "title": "Fira  d'entitats educadores",
                    "date": "30/11/2026",
                    "place": "Plaça de Catalunya",
                    "audience": "Famílies",
                    "link": "https://bcn.example.org/fira",
                },
                status=ResponseStatus.submitted,
                submitted_at=NOV,
            ),
            response(
                consultation.id,
                lisboa,
                {"title": "Passeio", "date": "fim de novembro", "link": "javascript:alert(1)"},
                status=ResponseStatus.submitted,
                submitted_at=NOV,
            ),
            response(consultation.id, lyon, {"title": "Brouillon"}),  # still in progress
            response(other.id, lyon, {"title": "Last year's"}, status=ResponseStatus.submitted),
        ]
    )
    yuna, anon = Person(display_name="Yuna", roles=[]), Person(display_name="Min", roles=[])
    session.add_all([yuna, anon])
    await session.flush()
    session.add_all(
        [
            YouthProfile(
                person_id=yuna.id,
                age_bracket=AgeBracket.adult,
                publish_as=PublishAs.first_name,
                first_name="Yuna",
            ),
            YouthProfile(
                person_id=anon.id, age_bracket=AgeBracket.adult, publish_as=PublishAs.anonymous
            ),
        ]
    )
    for person, title, decided in (
        (yuna, "Reading benches", datetime(2026, 6, 1, tzinfo=UTC)),
        (anon, "Free buses", datetime(2026, 9, 1, tzinfo=UTC)),
        (yuna, "Old idea", datetime(2025, 6, 1, tzinfo=UTC)),
    ):
        session.add(
            StoredIdea(
                person_id=person.id,
                title=title,
                text="For everyone.",
                language="en",
                theme=Theme.participation,
                city_id=lyon.id,
                status=SubmissionStatus.approved,
                decided_at=decided,
            )
        )
    source = Source(url="https://lyon.example.org/feed", city_id=lyon.id, language="fr")
    session.add(source)
    await session.flush()
    for n, (title, published, event) in enumerate(
        (
            (
                "Journée internationale de la Ville éducatrice à Lyon",
                NOV,
                datetime(2026, 11, 29, tzinfo=UTC),
            ),
            ("Marché de Noël", NOV, datetime(2026, 11, 30, tzinfo=UTC)),
            (
                "Journée internationale de la Ville éducatrice 2025",
                datetime(2025, 11, 2, tzinfo=UTC),
                None,
            ),
        )
    ):
        item = Item(
            url=f"https://lyon.example.org/{n}",
            guid=str(n),
            title=title,
            published_at=published,
            event_at=event,
            language="fr",
            content_hash=str(n),
        )
        session.add(item)
        await session.flush()
        session.add(ItemSource(item_id=item.id, source_id=source.id, guid=str(n)))
    await session.commit()


async def test_kit_inputs_come_from_the_consultation_youth_and_feeds(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    async with sessions() as session:
        await add_world(session)
    async with sessions() as session:
        kit = await load_kit_inputs(
            session, 2026, theme="Cities that care", url="https://day.example.org/"
        )
    assert [(a.city, a.title, a.date, a.networks) for a in kit.activities] == [
        ("Barcelona", "Fira d'entitats educadores", date(2026, 11, 30), ("spain",)),
        ("Lisboa", "Passeio", None, ()),
    ]
    barcelona, lisboa = kit.activities
    assert (barcelona.place, barcelona.audience) == ("Plaça de Catalunya", "Famílies")
    assert barcelona.link == "https://bcn.example.org/fira"
    assert lisboa.link == "" and lisboa.date_text == "fim de novembro"
    assert [(y.text, y.author, y.city) for y in kit.youth] == [
        ("Reading benches — For everyone.", "Yuna", "Lyon"),
        ("Free buses — For everyone.", "", "Lyon"),
    ]
    assert [(i.title, i.city, i.event_date) for i in kit.day_items] == [
        ("Journée internationale de la Ville éducatrice à Lyon", "Lyon", date(2026, 11, 29))
    ]
    assert kit.theme == {"en": "Cities that care"}

    manifest = build_kit(kit, tmp_path)
    assert check_kit(manifest.out_dir) == []
    assert "Una persona jove" in (tmp_path / "ca/youth-ideas.md").read_text("utf-8")
    assert "Yuna" in (tmp_path / "ca/youth-ideas.md").read_text("utf-8")


async def test_without_the_consultation_there_are_no_declared_activities(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        kit = await load_kit_inputs(session, 2027, declaration={"fr": "Texte", "es": ""})
    assert kit.activities == () and kit.youth == () and kit.day_items == ()
    assert kit.declaration == {"fr": "Texte"}
