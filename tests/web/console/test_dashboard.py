"""The dashboard tells staff what needs them now, from the database: drafts waiting, youth
ideas queued, consultations closing this week with their response rate, the next campaign
step, sends with failed or uncertain rows, feeds failing for more than a day."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from babel.numbers import format_percent

from storage.base import utcnow
from storage.broadcasts import Broadcast, BroadcastKind, BroadcastMessage, MessageState
from storage.bulletins import Edition, EditionStatus, Series
from storage.campaigns import Campaign, CampaignStep
from storage.consultations import (
    Consultation,
    ConsultationInvitation,
    ConsultationResponse,
    ConsultationStatus,
    InvitationKind,
    ResponseStatus,
)
from storage.deliveries import Delivery, DeliveryState
from storage.engine import SessionFactory
from storage.feeds import Source
from storage.people import Person
from storage.staff import StaffRole
from storage.subscribers import Subscriber, SubscriberStatus
from storage.youth import SubmissionStatus, Theme, YouthSubmission
from tests.web.console.helpers import add_member, console_client, sign_in_as


async def fill(sessions: SessionFactory) -> None:
    now = utcnow()
    async with sessions() as session:
        series = Series(
            slug="monthly", titles={"en": "Monthly"}, networks=["global"], languages=["es"]
        )
        session.add(series)
        await session.flush()
        draft = Edition(
            series_id=series.id,
            language="es",
            period_start=now - timedelta(days=30),
            period_end=now,
            status=EditionStatus.draft,
            subject="Boletín de diciembre",
        )
        sent = Edition(
            series_id=series.id,
            language="fr",
            period_start=now - timedelta(days=60),
            period_end=now - timedelta(days=30),
            status=EditionStatus.sent,
            subject="Bulletin de novembre",
        )
        session.add_all([draft, sent])
        people = [Person(telegram_id=100 + i, display_name=f"P{i}") for i in range(4)]
        session.add_all(people)
        session.add_all(
            [
                YouthSubmission(
                    title="Bancos",
                    text="…",
                    theme=Theme.culture,
                    status=SubmissionStatus.pending,
                    created_at=now - timedelta(days=2),
                ),
                YouthSubmission(
                    title="Parque", text="…", theme=Theme.other, status=SubmissionStatus.pending
                ),
                YouthSubmission(
                    title="Old", text="…", theme=Theme.other, status=SubmissionStatus.approved
                ),
            ]
        )
        closing = Consultation(
            slug="declaration",
            definition={},
            titles={"en": "Declaration 2026", "es": "Declaración 2026"},
            audience="city_representatives",
            one_response_per="person",
            opens_at=now - timedelta(days=10),
            closes_at=now + timedelta(days=3),
            status=ConsultationStatus.open,
        )
        later = Consultation(
            slug="later",
            definition={},
            titles={"en": "Later one"},
            audience="everyone",
            one_response_per="person",
            opens_at=now,
            closes_at=now + timedelta(days=30),
            status=ConsultationStatus.open,
        )
        session.add_all([closing, later])
        await session.flush()
        session.add_all(
            ConsultationInvitation(
                consultation_id=closing.id, person_id=p.id, kind=InvitationKind.invite
            )
            for p in people
        )
        session.add(
            ConsultationResponse(
                consultation_id=closing.id,
                unit="person",
                person_id=people[0].id,
                language="es",
                status=ResponseStatus.submitted,
                submitted_at=now,
            )
        )
        campaign = Campaign(year=2026)
        session.add(campaign)
        await session.flush()
        session.add_all(
            [
                CampaignStep(campaign_id=campaign.id, key="kit", due_at=now + timedelta(days=40)),
                CampaignStep(campaign_id=campaign.id, key="call", due_at=now + timedelta(days=9)),
            ]
        )
        subscriber, other = (
            Subscriber(email=a, email_key=a, status=SubscriberStatus.confirmed)
            for a in ("j@example.pt", "m@example.pt")
        )
        session.add_all([subscriber, other])
        await session.flush()
        session.add_all(
            [
                Delivery(
                    edition_id=sent.id,
                    subscriber_id=subscriber.id,
                    email="j@example.pt",
                    state=DeliveryState.failed,
                ),
                Delivery(
                    edition_id=sent.id,
                    subscriber_id=other.id,
                    email="m@example.pt",
                    state=DeliveryState.accepted,
                ),
            ]
        )
        broadcast = Broadcast(key="day-reminder", kind=BroadcastKind.text, payload={})
        session.add(broadcast)
        await session.flush()
        session.add_all(
            [
                BroadcastMessage(
                    broadcast_id=broadcast.id, chat_id=1, state=MessageState.uncertain
                ),
                BroadcastMessage(
                    broadcast_id=broadcast.id, chat_id=2, state=MessageState.uncertain
                ),
                BroadcastMessage(broadcast_id=broadcast.id, chat_id=3, state=MessageState.sent),
            ]
        )
        session.add_all(
            [
                Source(
                    url="https://broken.example/feed",
                    title="Vila Broken",
                    last_error="HTTP 500",
                    last_error_at=now,
                    last_success_at=now - timedelta(days=2),
                ),
                Source(
                    url="https://blip.example/feed",
                    title="Blip",
                    last_error="timeout",
                    last_error_at=now,
                    last_success_at=now - timedelta(hours=3),
                ),
                Source(url="https://fine.example/feed", title="Fine", last_success_at=now),
            ]
        )
        await session.commit()


async def test_dashboard_lists_what_needs_staff_now(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await fill(sessions)
    ines = await add_member(sessions, StaffRole.editor, "ines@aive.test", "Inés", language="es")
    async with console_client(sessions, tmp_path) as client:
        await sign_in_as(client, sessions, ines)
        page = await (await client.get("/console/")).text()
    assert 'href="/console/bulletins/editions/' in page and "Boletín de diciembre" in page
    assert "Bulletin de novembre" not in page.split("Borradores")[1].split("</section>")[0]
    youth = page.split("Ideas de jóvenes en cola")[1].split("</section>")[0]
    assert '<p class="count">2</p>' in youth
    assert "Declaración 2026" in page and "Later one" not in page
    # 1 of the 4 people invited answered, said the Spanish way
    assert f"{format_percent(0.25, locale='es')} de respuestas (1 de 4)" in page
    assert "2026 · call" in page and "2026 · kit" not in page
    assert "1 fallidos, 0 inciertos" in page and "0 fallidos, 2 inciertos" in page
    assert "Vila Broken" in page and "HTTP 500" in page
    assert "Blip" not in page and "Fine" not in page


async def test_an_empty_dashboard_says_all_is_well(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    viewer = await add_member(sessions, StaffRole.viewer, language="en")
    async with console_client(sessions, tmp_path) as client:
        await sign_in_as(client, sessions, viewer)
        page = await (await client.get("/console/")).text()
    for calm in (
        "No draft is waiting.",
        "No idea is waiting.",
        "None closes this week.",
        "No step is planned.",
        "Every send went through.",
        "Every feed is healthy.",
    ):
        assert calm in page
