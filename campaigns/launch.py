"""Launching a step: its consultation (opened, invitations through the chat outbox), its email
(one edition per language through the newsletter delivery engine) and its chat broadcast.

Every part is idempotent on its own (consultation slug, edition per series/day/language, outbox
key `campaign:<year>:<step>`), and the step is marked launched last: launching again after a
crash completes what was missing and sends nothing twice. `dry_run` says what a launch would
send, to whom, and sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from campaigns import report, report_data, timeline
from campaigns.audience import StepAudience, step_audience
from campaigns.config import CampaignConfig
from campaigns.email import render_email
from campaigns.errors import CampaignError
from campaigns.messages import (
    DERIVED_DECLARATION,
    DERIVED_EMPTY,
    StepText,
    step_text,
    translate,
)
from engagement.consultations import invitations, lifecycle
from engagement.consultations.errors import DefinitionError
from i18n.languages import LANGUAGES
from outbox import Recipient, enqueue_broadcast
from storage import (
    audit,
    broadcasts_queries,
    bulletins_queries,
    campaigns_queries,
    consultations_queries,
)
from storage.broadcasts import BroadcastKind
from storage.bulletins import Edition, EditionStatus, Series
from storage.bulletins_queries import enqueue_edition
from storage.campaigns import Campaign, CampaignStep, StepStatus
from storage.consultations import Consultation, ConsultationStatus

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class LaunchOutcome:
    key: str
    already: bool = False
    consultation_id: int | None = None
    invitations: int = 0
    emails: dict[str, int] = field(default_factory=dict)  # language → deliveries queued
    chats: int = 0

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def series_slug(year: int) -> str:
    return f"campaign-{year}"


def consultation_source(template: str, year: int, opens: datetime, closes: datetime) -> str:
    text = (TEMPLATES / f"{template}.yaml").read_text(encoding="utf-8")
    return (
        text.replace("__YEAR__", str(year))
        .replace("__OPENS__", opens.isoformat())
        .replace("__CLOSES__", closes.isoformat())
    )


async def _consultation(
    session: AsyncSession, campaign: Campaign, spec: timeline.StepSpec, now: datetime, actor: str
) -> Consultation:
    """The step's consultation (created once, from campaigns/templates), open."""
    assert spec.consultation is not None and spec.closes_with is not None
    slug = f"day-{campaign.year}-{spec.consultation}"
    consultation = await consultations_queries.consultation_by_slug(session, slug)
    if consultation is None:
        closing = campaign.step(spec.closes_with)
        closes = closing.due_at if closing else now + timedelta(days=14)
        if closes <= now:
            raise CampaignError(f"{spec.key}: its consultation would close before it opens")
        source = consultation_source(spec.consultation, campaign.year, now, closes)
        try:
            consultation = await lifecycle.create_consultation(session, source, actor=actor)
        except DefinitionError as exc:  # a template edited badly
            raise CampaignError(f"{spec.consultation}.yaml: {'; '.join(exc.errors)}") from None
    if consultation.status == ConsultationStatus.draft:
        await lifecycle.set_status(
            session, consultation.id, ConsultationStatus.open, actor=actor, now=now
        )
    return consultation


async def _series(session: AsyncSession, year: int) -> Series:
    slug = series_slug(year)
    series = await bulletins_queries.series_by_slug(session, slug)
    if series is None:
        # no languages: the bulletin scheduler never composes drafts for this series
        titles = {lang: f"International Day {year}" for lang in LANGUAGES}
        series = Series(slug=slug, titles=titles, networks=[], languages=[])
        session.add(series)
        await session.flush()
    return series


async def _send_email(
    session: AsyncSession,
    campaign: Campaign,
    key: str,
    texts: dict[str, StepText],
    languages: list[str],
    now: datetime,
    actor: str,
) -> tuple[list[int], dict[str, int]]:
    series = await _series(session, campaign.year)
    day = timeline.nominal_day(campaign.year, key)
    ids, queued = [], {}
    for lang in languages:
        edition = await bulletins_queries.edition_of(session, series.id, day, lang)
        if edition is None:
            rendered = render_email(texts[lang], lang)
            edition = Edition(
                series_id=series.id,
                language=lang,
                period_start=day,
                period_end=day + timedelta(days=1),
                status=EditionStatus.approved,
                subject=rendered.subject,
                preheader=rendered.preheader,
                html=rendered.html,
                text=rendered.text,
                content={"campaign": campaign.year, "step": key},
                approved_at=now,
                approved_by=actor,
            )
            session.add(edition)
            await session.flush()
        ids.append(edition.id)
        if edition.status != EditionStatus.sent:
            queued[lang] = (await enqueue_edition(session, edition.id, now)).added
        await session.commit()
    return ids, queued


async def step_texts(
    session: AsyncSession,
    campaign: Campaign,
    key: str,
    languages: list[str],
    config: CampaignConfig,
) -> dict[str, StepText]:
    """The step's text in each language (the declaration and figures read when needed)."""
    spec = timeline.spec(key)
    closes = None
    if spec.closes_with and (closing := campaign.step(spec.closes_with)) is not None:
        closes = closing.due_at.astimezone(ZoneInfo(config.timezone)).date()
    figures = None
    if key == "d+7":
        figures = (await report_data.campaign_report(session, campaign)).figures()
    texts = {}
    for lang in languages:
        declaration = None
        if key == "d":
            declaration = await declaration_text(session, campaign, lang)
        texts[lang] = step_text(
            key,
            lang,
            year=campaign.year,
            theme=campaign.theme,
            closes_at=closes,
            kit_url=campaign.kit_url or config.kit_url(campaign.year),
            declaration=declaration,
            figures=figures,
        )
    return texts


async def declaration_text(session: AsyncSession, campaign: Campaign, lang: str) -> str:
    """The declaration staff set in `lang` (else English, else any); without one, a sentence
    made from the priorities the cities chose in the D-30 consultation."""
    chosen = campaign.declaration.get(lang) or campaign.declaration.get("en")
    if chosen or campaign.declaration:
        return chosen or next(iter(campaign.declaration.values()))
    cities, priorities = await report_data.derived_declaration(session, campaign, lang)
    if not priorities:
        return translate(DERIVED_EMPTY, lang)
    return translate(DERIVED_DECLARATION, lang, cities=cities, priorities=", ".join(priorities))


def _languages(audience: StepAudience) -> list[str]:
    return sorted(
        set(LANGUAGES)
        | {r.language for r in audience.emails}
        | {r.language for r in audience.chats}
    )


async def launch_step(
    session: AsyncSession,
    campaign: Campaign,
    key: str,
    config: CampaignConfig,
    *,
    now: datetime,
    actor: str,
) -> LaunchOutcome:
    """Launch `key` now; `already` when it was launched before. Staff may launch a step early,
    or a paused one on purpose (the scheduler never picks paused steps). CampaignError when
    its consultation cannot be created (a broken template, or it would close before opening)."""
    spec = timeline.spec(key)
    step = _step(campaign, spec.key)
    outcome = LaunchOutcome(spec.key)
    if step.status in (StepStatus.launched, StepStatus.done):
        outcome.already = True
        return outcome
    audience = await step_audience(session, spec, default_language=config.default_language)
    broadcast_ids: list[int] = []
    if spec.consultation:
        broadcast_ids += await _launch_consultation(
            session, campaign, spec, step, outcome, config, now, actor
        )
    texts = await step_texts(session, campaign, spec.key, _languages(audience), config)
    email_languages = sorted(audience.email_languages())
    edition_ids, outcome.emails = await _send_email(
        session, campaign, spec.key, texts, email_languages, now, actor
    )
    if not spec.consultation and audience.chats:
        broadcast_ids += await _queue_chats(
            session, campaign, spec.key, texts, config, audience.chats, actor
        )
        outcome.chats = len(audience.chats)
    step = _step(await _reload(session, campaign.year), spec.key)
    step.broadcast_ids = sorted(set(step.broadcast_ids) | set(broadcast_ids))
    step.edition_ids = sorted(set(step.edition_ids) | set(edition_ids))
    step.consultation_id = outcome.consultation_id or step.consultation_id
    step.status = StepStatus.launched if spec.consultation else StepStatus.done
    step.launched_at, step.launched_by = now, actor
    audit.record(
        session,
        actor,
        "campaign.launch",
        f"{campaign.year} {spec.key}",
        emails=sum(outcome.emails.values()),
        chats=outcome.chats + outcome.invitations,
    )
    await session.commit()
    log.info("campaign %s: step %s launched by %s", campaign.year, spec.key, actor)
    return outcome


async def _launch_consultation(
    session: AsyncSession,
    campaign: Campaign,
    spec: timeline.StepSpec,
    step: CampaignStep,
    outcome: LaunchOutcome,
    config: CampaignConfig,
    now: datetime,
    actor: str,
) -> list[int]:
    """Create the step's consultation and invite its audience; the invitations' broadcasts."""
    consultation = await _consultation(session, campaign, spec, now, actor)
    outcome.consultation_id = step.consultation_id = consultation.id
    outcome.invitations = await invitations.invite_audience(
        session,
        consultation.id,
        default_language=config.default_language,
        default_timezone=config.timezone,
        created_by=actor,
        now=now,
    )
    invite_key = f"consultation:{consultation.id}:invite"
    # one invitation per reader timezone: `…:invite@<zone>`
    return await broadcasts_queries.broadcast_ids_keyed(session, invite_key)


async def _queue_chats(
    session: AsyncSession,
    campaign: Campaign,
    key: str,
    texts: dict[str, StepText],
    config: CampaignConfig,
    chats: Sequence[Recipient],
    actor: str,
) -> list[int]:
    """Queue the step's chat message(s) to `chats`; the broadcasts' ids."""
    broadcast_ids = []
    for lang, group in _chat_groups(key, chats):
        kind, payload = await _chat_payload(session, campaign, key, texts, config, lang)
        broadcast = await enqueue_broadcast(
            session,
            kind,
            payload,
            group,
            audience=f"campaign:{campaign.year}:{key}",
            created_by=actor,
            key=f"campaign:{campaign.year}:{key}" + (f":{lang}" if lang else ""),
        )
        broadcast_ids.append(broadcast.id)
    return broadcast_ids


def _chat_groups(key: str, chats: Sequence[Recipient]) -> list[tuple[str | None, list[Recipient]]]:
    """The thank-you's chart is drawn in each reader's language: one broadcast per language;
    every other step is one broadcast whose texts are chosen per reader."""
    if key != "d+7":
        return [(None, list(chats))]
    groups: dict[str, list[Recipient]] = {}
    for chat in chats:
        lang = chat.language if chat.language in LANGUAGES else "en"
        groups.setdefault(lang, []).append(chat)
    return sorted(groups.items())


async def _chat_payload(
    session: AsyncSession,
    campaign: Campaign,
    key: str,
    texts: dict[str, StepText],
    config: CampaignConfig,
    lang: str | None = None,
) -> tuple[BroadcastKind, dict[str, Any]]:
    """A text message with the kit button; the thank-you carries the report chart, in `lang`,
    as a photo (its caption is the message, under Telegram's 1,024 characters)."""
    if key == "d+7":
        lang = lang or "en"
        found = await report_data.campaign_report(session, campaign)
        path = Path(config.files_dir) / f"campaign-{campaign.year}-report-{lang}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(report.chart_png(found, lang))
        text = texts.get(lang) or texts["en"]
        caption = {lang: text.chat()[:1024]}
        return BroadcastKind.photo, {"caption": caption, "file": {"path": str(path.resolve())}}
    payload: dict[str, Any] = {"text": {lang: t.chat() for lang, t in texts.items()}}
    sample = next(iter(texts.values()))
    if sample.link:
        label = {lang: t.link_label or "" for lang, t in texts.items()}
        payload["buttons"] = [[{"text": label, "url": sample.link}]]
    return BroadcastKind.text, payload


def _step(campaign: Campaign, key: str) -> CampaignStep:
    step = campaign.step(key)
    if step is None:  # pragma: no cover - every campaign has every step
        raise CampaignError(f"the {campaign.year} campaign has no step {key}")
    return step


async def _reload(session: AsyncSession, year: int) -> Campaign:
    """The campaign again (helpers commit, which expires loaded rows)."""
    found = await campaigns_queries.campaign_of_year(session, year, fresh=True)
    assert found is not None
    return found
