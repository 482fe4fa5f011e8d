"""GDPR for one subscriber, and the staff's search: export, erase, and an import that respects
the erasure (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from newsletter.subscriptions import gdpr, importing, service
from newsletter.subscriptions.mailer import MemoryMailer, TransactionalMessage
from storage.audit import AuditEvent
from storage.bulletins import Edition, Series
from storage.deliveries import Delivery, DeliveryEvent, DeliveryState
from storage.engine import SessionFactory
from storage.erasures import ErasedAddress
from storage.seed import load_seed
from storage.subscribers import Subscriber, SubscriberStatus
from storage.subscribers_queries import SubscriberFilter, search_subscribers
from tests.newsletter.bulletin_samples import NOW

LANGS = ("en", "fr", "es", "pt", "ca")


@pytest.fixture(autouse=True)
async def _networks(sessions: SessionFactory) -> None:
    async with sessions() as s:
        await load_seed(s)


def _message(subscriber: Subscriber) -> TransactionalMessage:
    return TransactionalMessage(subscriber.email, None, "Confirm", "Confirm", "<p>Confirm</p>")


async def _import(
    sessions: SessionFactory, text: str, confirmed: bool = True
) -> importing.ImportReport:
    return await importing.import_csv(
        sessions,
        text,
        file_name="list.csv",
        languages=LANGS,
        default_language="en",
        confirmed=confirmed,
        consent_source="signed form at the 2026 congress" if confirmed else None,
        confirmations=importing.Confirmations(MemoryMailer(), _message),
        actor="staff:ines@example.org",
        now=NOW,
    )


async def _one(sessions: SessionFactory, email: str) -> Subscriber:
    async with sessions() as s:
        found = await service.find_by_address(s, email)
        assert found is not None
        return found


async def test_import_reports_bad_rows_by_line_and_keeps_good_ones(
    sessions: SessionFactory,
) -> None:
    text = (
        "email,name,language,networks\n"
        "ana@example.es,Ana,es,global\n"
        "not-an-address,Bob,en,\n"
        "lea@example.fr,Léa,xx,\n"
        "ANA@example.es,Ana again,es,\n"
        "=cmd@example.org,Formula,en,nowhere\n"
    )
    result = await _import(sessions, text)
    assert result.added == 1
    reasons = {r.line: r.reason for r in result.rejected}
    assert sorted(reasons) == [3, 4, 5, 6]
    assert reasons[4].startswith("language:")
    assert "same address as line 2" in reasons[5]
    assert reasons[6].startswith("networks:")


async def test_export_holds_the_person_their_history_and_deliveries(
    sessions: SessionFactory,
) -> None:
    await _import(sessions, "email,name\njoao@example.pt,João\n")
    joao = await _one(sessions, "joao@example.pt")
    async with sessions() as s:
        series = await s.scalar(select(Series).limit(1))
        assert series is not None
        edition = Edition(
            series_id=series.id,
            language="pt",
            period_start=NOW - timedelta(days=7),
            period_end=NOW,
            subject="Boletim de março",
        )
        s.add(edition)
        await s.flush()
        s.add(
            Delivery(
                edition_id=edition.id,
                subscriber_id=joao.id,
                email=joao.email,
                state=DeliveryState.accepted,
                accepted_at=NOW,
            )
        )
        s.add(
            DeliveryEvent(
                sg_event_id="e1",
                event="open",
                edition_id=edition.id,
                subscriber_id=joao.id,
                email=joao.email,
            )
        )
        await s.commit()
    async with sessions() as s:
        document = await gdpr.export_person(s, joao.id, "staff:ines", NOW)
        await s.commit()
    json.dumps(document)  # JSON-able as it is
    assert document["subscriber"]["email"] == "joao@example.pt"
    assert document["subscriber"]["consent_source"] == "signed form at the 2026 congress"
    assert [h["action"] for h in document["history"]] == ["subscribers.added"]
    assert document["deliveries"][0]["subject"] == "Boletim de março"
    assert [e["event"] for e in document["events"]] == ["open"]
    async with sessions() as s:
        actions = (await s.scalars(select(AuditEvent.action).order_by(AuditEvent.id))).all()
    assert actions[-1] == "subscribers.exported"


async def test_erase_keeps_only_a_hash_and_a_reimport_is_refused_with_the_reason(
    sessions: SessionFactory,
) -> None:
    await _import(sessions, "email,name\nyuna@example.kr,Yuna\n")
    yuna = await _one(sessions, "yuna@example.kr")
    async with sessions() as s:
        await gdpr.erase_person(s, yuna.id, "staff:ines", NOW)
        await s.commit()
    async with sessions() as s:
        assert await s.get(Subscriber, yuna.id) is None
        kept = (await s.scalars(select(ErasedAddress.address_hash))).all()
        assert kept == [gdpr.address_hash("Yuna@Example.kr")]
        details = (await s.scalars(select(AuditEvent.details))).all()
        assert "yuna@example.kr" not in json.dumps(details).lower()
        erased = await s.scalar(select(AuditEvent).where(AuditEvent.action == "subscribers.erased"))
        assert erased is not None and erased.subject == f"subscriber:{yuna.id}"
    result = await _import(sessions, "email,name\nYUNA@example.kr,Yuna\nnew@example.kr,New\n")
    assert result.added == 1
    [refused] = result.rejected
    assert refused.line == 2
    assert "erased at the person's request on" in refused.reason
    assert "new subscription by themselves" in refused.reason
    async with sessions() as s:
        with pytest.raises(service.SubscriptionError, match="erased"):
            await service.add_subscriber(
                s,
                "yuna@example.kr",
                name=None,
                language="en",
                networks=[],
                confirmed=False,
                consent_source=None,
                consented_at=None,
                now=NOW,
            )


async def test_their_own_new_subscription_lifts_the_erasure(sessions: SessionFactory) -> None:
    await _import(sessions, "email\nmarta@example.cat\n")
    marta = await _one(sessions, "marta@example.cat")
    async with sessions() as s:
        await gdpr.erase_person(s, marta.id, "staff", NOW)
        await s.commit()
    async with sessions() as s:
        result = await service.request_subscription(s, "marta@example.cat", None, "ca", [], NOW)
        await service.confirm(s, result.subscriber, NOW + timedelta(minutes=5))
        await s.commit()
        assert await s.scalar(select(func.count()).select_from(ErasedAddress)) == 0


async def test_erasing_an_unknown_subscriber_says_so(sessions: SessionFactory) -> None:
    async with sessions() as s:
        with pytest.raises(gdpr.NotFound):
            await gdpr.erase_person(s, 999, "staff", NOW)
        with pytest.raises(gdpr.NotFound):
            await gdpr.export_person(s, 999, "staff", NOW)


async def test_search_by_address_or_name_with_filters_and_pages(sessions: SessionFactory) -> None:
    rows = "".join(
        f"person{i}@example.org,Person {i},{'es' if i % 2 else 'fr'},"
        f"{'portugal' if i % 3 == 0 else 'global'}\n"
        for i in range(1, 13)
    )
    await _import(
        sessions, "email,name,language,networks\n" + rows + "ines@secretariat.org,Inés Ruiz,es,\n"
    )
    async with sessions() as s:
        found, more = await search_subscribers(s, SubscriberFilter(text="RUIZ"))
        assert [f.email for f in found] == ["ines@secretariat.org"] and more is None
        found, _ = await search_subscribers(s, SubscriberFilter(text="secretariat"))
        assert [f.name for f in found] == ["Inés Ruiz"]
        found, _ = await search_subscribers(s, SubscriberFilter(language="es", network="portugal"))
        assert sorted(f.email for f in found) == ["person3@example.org", "person9@example.org"]
        found, _ = await search_subscribers(s, SubscriberFilter(status=SubscriberStatus.pending))
        assert found == []
        first, after = await search_subscribers(s, SubscriberFilter(text="person"), limit=5)
        assert len(first) == 5 and after is not None
        second, _ = await search_subscribers(
            s, SubscriberFilter(text="person"), limit=5, before_id=after
        )
        assert not {f.id for f in first} & {f.id for f in second}
        # a % or _ typed by staff is a character, not a wildcard
        found, _ = await search_subscribers(s, SubscriberFilter(text="%"))
        assert found == []


async def test_csv_export_defuses_formulas_and_reads_back_as_an_import(
    sessions: SessionFactory,
) -> None:
    from newsletter.subscriptions.export_csv import csv_lines
    from storage.subscribers_queries import stream_subscribers

    await _import(sessions, 'email,name\nana@example.es,"=HYPERLINK(""x"")"\nbo@example.es,-2+3\n')
    async with sessions() as s:
        text = "".join(
            [line async for line in csv_lines(stream_subscribers(s, SubscriberFilter(), 1))]
        )
    lines = text.splitlines()
    assert lines[0].startswith("email,name,language,networks,status")
    assert lines[1].startswith('ana@example.es,"\'=HYPERLINK(""x"")",en,global,confirmed')
    assert lines[2].startswith("bo@example.es,'-2+3,")
