"""The figures of a campaign read from the database: activities declared, cities that
answered, email deliveries and chat messages of every step. Aggregation is campaigns.report."""

from __future__ import annotations

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.report import Activity, CampaignReport, Reach, build_report
from engagement.consultations import reports
from storage import consultation_queries as q
from storage.broadcasts import BroadcastMessage, MessageState
from storage.campaigns import Campaign
from storage.deliveries import Delivery, DeliveryEvent, DeliveryState
from storage.networks import City


def _answer(answers: dict[str, object], key: str) -> str:
    value = answers.get(key)
    return "" if value is None else str(value).strip()


async def declared_activities(session: AsyncSession, consultation_id: int) -> list[Activity]:
    """One activity per submitted response of the D-45 consultation, with its city."""
    found = []
    for response, city in await q.export_rows(session, consultation_id):
        if city is None or not _answer(response.answers, "title"):
            continue
        found.append(_activity(response.answers, city))
    return found


def _activity(answers: dict[str, object], city: City) -> Activity:
    return Activity(
        city=city.name,
        country=city.country,
        networks=tuple(sorted(n.slug for n in city.networks)),
        title=_answer(answers, "title"),
        date=_answer(answers, "date"),
        place=_answer(answers, "place"),
        audience=_answer(answers, "audience"),
        link=_answer(answers, "link"),
    )


async def responding_cities(session: AsyncSession, consultation_id: int) -> list[str]:
    return [c.name for _r, c in await q.export_rows(session, consultation_id) if c is not None]


async def reach(session: AsyncSession, campaign: Campaign) -> Reach:
    editions = sorted({e for s in campaign.steps for e in s.edition_ids})
    broadcasts = sorted({b for s in campaign.steps for b in s.broadcast_ids})
    mail: dict[str, int] = {}
    opened = 0
    if editions:
        rows = await session.execute(
            select(Delivery.state, func.count())
            .where(Delivery.edition_id.in_(editions))
            .group_by(Delivery.state)
        )
        mail = {DeliveryState(s).value: int(n) for s, n in rows.all()}
        opened = int(
            await session.scalar(
                select(func.count(distinct(DeliveryEvent.delivery_id))).where(
                    DeliveryEvent.edition_id.in_(editions), DeliveryEvent.event == "open"
                )
            )
            or 0
        )
    chat: dict[str, int] = {}
    people = 0
    if broadcasts:
        rows = await session.execute(
            select(BroadcastMessage.state, func.count())
            .where(BroadcastMessage.broadcast_id.in_(broadcasts))
            .group_by(BroadcastMessage.state)
        )
        chat = {MessageState(s).value: int(n) for s, n in rows.all()}
        people = int(
            await session.scalar(
                select(func.count(distinct(BroadcastMessage.chat_id))).where(
                    BroadcastMessage.broadcast_id.in_(broadcasts),
                    BroadcastMessage.state == MessageState.sent,
                )
            )
            or 0
        )
    return Reach(
        emails_accepted=mail.get("accepted", 0),
        emails_opened=opened,
        emails_failed=mail.get("failed", 0),
        chat_sent=chat.get("sent", 0),
        chat_people=people,
        chat_blocked=chat.get("blocked", 0),
        chat_failed=chat.get("failed", 0),
    )


async def campaign_report(session: AsyncSession, campaign: Campaign) -> CampaignReport:
    activities_step, declaration_step = campaign.step("d-45"), campaign.step("d-30")
    activities: list[Activity] = []
    cities: list[str] = []
    if activities_step is not None and activities_step.consultation_id is not None:
        activities = await declared_activities(session, activities_step.consultation_id)
    if declaration_step is not None and declaration_step.consultation_id is not None:
        cities = await responding_cities(session, declaration_step.consultation_id)
    steps = [
        {
            "key": s.key,
            "due_at": s.due_at.isoformat(),
            "status": s.status.value,
            "launched_at": s.launched_at.isoformat() if s.launched_at else None,
            **s.details(),
        }
        for s in campaign.steps
    ]
    return build_report(
        campaign.year, campaign.theme, activities, cities, await reach(session, campaign), steps
    )


async def derived_declaration(
    session: AsyncSession, campaign: Campaign, lang: str
) -> tuple[int, list[str]]:
    """From the D-30 results: how many cities answered, and the top priorities in `lang`
    (the options chosen most, at most three)."""
    step = campaign.step("d-30")
    if step is None or step.consultation_id is None:
        return 0, []
    found = await reports.consultation_results(session, step.consultation_id, lang=lang)
    question = next((x for x in found.questions if x.id == "priorities"), None)
    if question is None:
        return found.submitted, []
    chosen = sorted((o for o in question.options if o.count), key=lambda o: -o.count)
    return found.submitted, [o.text for o in chosen[:3]]
