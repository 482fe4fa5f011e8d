"""Build the year's kit from the database and, when it passes its checks, record that the
young people's ideas in it are published (so /forget anonymizes them instead of deleting).
`aive campaign kit` calls it; the console can too."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from campaigns import service
from campaigns.kit.builder import KitManifest, build_kit
from campaigns.kit.checks import check_kit
from campaigns.kit.inputs import load_kit_inputs
from newsletter.editions.youth import mark_published
from storage import audit


async def publish_kit(
    session: AsyncSession, year: int, out: Path, *, default_url: str, actor: str | None = None
) -> tuple[KitManifest, list[str]]:
    """Write the kit of `year` into `out` (and `out`.zip); (its manifest, the problems its
    checks found: empty when it passed). Raises CampaignError (no campaign that year),
    KitError, RenderError or OSError when it cannot be built. Commits when it passed, and
    records who built it (with `actor`) either way."""
    campaign = await service.get_campaign(session, year)
    inputs = await load_kit_inputs(
        session,
        year,
        theme=campaign.theme,
        declaration=campaign.declaration or None,
        url=campaign.kit_url or default_url,
    )
    manifest = build_kit(inputs, out, zip_path=out.with_suffix(".zip"))
    problems = check_kit(out)
    if not problems:
        await mark_published(session, manifest.youth_ids)
    if actor is not None:
        audit.record(
            session, actor, "campaign.kit", str(year), files=len(manifest.files), problems=problems
        )
    if actor is not None or not problems:
        await session.commit()
    return manifest, problems
