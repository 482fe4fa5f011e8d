"""`aive campaign`: the International Day campaign of a year (timeline, launches, kit, report)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from app.campaign_config import campaign_config
from app.cli.context import console, fail, print_json, print_table, settings_or_exit, with_sessions
from campaigns import report_data, service
from campaigns.errors import CampaignError
from campaigns.launch import launch_step
from campaigns.plan import dry_run, plan
from campaigns.report import chart_png
from campaigns.timeline import TimelineError, parse_moment
from storage.base import utcnow
from storage.engine import SessionFactory

app = typer.Typer(
    help="The International Day of Educating Cities (30 November): campaign timeline.",
    no_args_is_help=True,
)

YEAR = Annotated[int, typer.Option("--year", help="The campaign's year.")]
JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
STEP = Annotated[str, typer.Argument(help="A step: d-45, d-30, d-10, d-1, d or d+7.")]


def _run(action: Any) -> Any:
    settings = settings_or_exit()
    try:
        return with_sessions(settings, action)
    except (CampaignError, TimelineError) as exc:
        fail(str(exc))


@app.command()
def create(
    year: YEAR,
    theme: Annotated[str | None, typer.Option(help="This year's theme.")] = None,
    kit_url: Annotated[
        str | None, typer.Option(help="Where cities get the kit (default: under AIVE_PUBLIC_URL).")
    ] = None,
) -> None:
    """Set up the year's campaign: six steps from D-45 to D+7 at 09:00 secretariat time."""
    config = campaign_config(settings_or_exit())

    async def _go(sessions: SessionFactory) -> int:
        async with sessions() as session:
            campaign = await service.create_campaign(
                session, year, config, theme=theme, kit_url=kit_url, actor="cli"
            )
            return len(campaign.steps)

    steps = _run(_go)
    typer.echo(
        f"campaign {year} created with {steps} steps (see: aive campaign plan --year {year})"
    )


@app.command("plan")
def plan_(year: YEAR, as_json: JSON = False) -> None:
    """Every step with its date, audience, channels and how many would receive it."""
    config = campaign_config(settings_or_exit())

    async def _go(sessions: SessionFactory) -> tuple[Any, list[Any]]:
        async with sessions() as session:
            campaign = await service.get_campaign(session, year)
            return campaign, await plan(session, campaign, config)

    campaign, lines = _run(_go)
    if as_json:
        print_json(
            {
                "year": year,
                "theme": campaign.theme,
                "status": campaign.status.value,
                "steps": [line.to_json() for line in lines],
            }
        )
        return
    print_table(
        f"Campaign {year} ({campaign.status.value})"
        + (f": {campaign.theme}" if campaign.theme else ""),
        ["step", "when", "status", "chat audience", "channels", "emails", "chats"],
        [
            (
                line.key,
                line.local + (" (moved)" if line.moved_from else ""),
                line.status,
                line.chat_audience
                + (f" + consultation {line.consultation}" if line.consultation else ""),
                line.channels,
                line.emails,
                line.chats,
            )
            for line in lines
        ],
    )


@app.command()
def launch(
    year: YEAR,
    step: STEP,
    dry: Annotated[
        bool, typer.Option("--dry-run", help="Print who would get what; send nothing.")
    ] = False,
    as_json: JSON = False,
    first: Annotated[int, typer.Option(help="How many recipients the dry run lists.")] = 5,
) -> None:
    """Launch a step now (its time does not matter), or show what it would send."""
    config = campaign_config(settings_or_exit())

    async def _go(sessions: SessionFactory) -> Any:
        async with sessions() as session:
            campaign = await service.get_campaign(session, year)
            service.find_step(campaign, step)
            if dry:
                return await dry_run(session, campaign, step, config, first=first)
            return await launch_step(session, campaign, step, config, now=utcnow(), actor="cli")

    outcome = _run(_go)
    if as_json:
        print_json({"dry_run": dry, **outcome.to_json()})
        return
    if dry:
        _print_dry_run(outcome)
    elif outcome.already:
        typer.echo(f"step {outcome.key} was launched already: nothing sent again")
    else:
        emails = sum(outcome.emails.values())
        typer.echo(
            f"step {outcome.key} launched: {emails} emails, {outcome.chats + outcome.invitations} "
            "chat messages queued (the worker sends them: aive worker)"
        )


def _print_dry_run(found: Any) -> None:
    console.print(f"[bold]Dry run of {found.key}[/bold]: nothing is sent.")
    if found.consultation:
        console.print(f"consultation {found.consultation} would open and invite representatives")
    for lang, subject in found.subjects.items():
        emails, chats = found.emails_by_language.get(lang, 0), found.chats_by_language.get(lang, 0)
        console.print(f"  {lang}: {emails} emails, {chats} chats — {subject}")
    console.print("first emails: " + (", ".join(found.first_emails) or "none"))
    console.print("first chats: " + (", ".join(found.first_chats) or "none"))


def _pause(year: int, step: str | None, paused: bool) -> None:
    async def _go(sessions: SessionFactory) -> None:
        async with sessions() as session:
            await service.set_paused(session, year, step, paused=paused, actor="cli")

    _run(_go)
    what = f"step {step}" if step else f"campaign {year}"
    typer.echo(f"{what} {'paused' if paused else 'resumed'}")


@app.command()
def pause(
    year: YEAR,
    step: Annotated[
        str | None, typer.Argument(help="One step; without it, the whole campaign.")
    ] = None,
) -> None:
    """Stop the scheduler from launching the campaign's steps (or one step)."""
    _pause(year, step, True)


@app.command()
def resume(
    year: YEAR,
    step: Annotated[
        str | None, typer.Argument(help="One step; without it, the whole campaign.")
    ] = None,
) -> None:
    """Let the scheduler launch the campaign's steps (or one step) again when due."""
    _pause(year, step, False)


@app.command()
def move(
    year: YEAR,
    step: STEP,
    to: Annotated[
        str, typer.Option("--to", help="YYYY-MM-DD (09:00) or YYYY-MM-DDTHH:MM, secretariat time.")
    ],
) -> None:
    """Give a step that is not launched yet another time."""
    settings = settings_or_exit()
    try:
        moment = parse_moment(to, settings.timezone)
    except TimelineError as exc:
        fail(str(exc), 2)

    async def _go(sessions: SessionFactory) -> str:
        async with sessions() as session:
            moved = await service.move_step(session, year, step, moment, actor="cli")
            return moved.key

    key = _run(_go)
    typer.echo(f"step {key} moved to {moment.isoformat()}")


@app.command()
def declaration(
    year: YEAR,
    file: Annotated[Path, typer.Argument(help="The declaration, a Markdown or text file.")],
    lang: Annotated[str, typer.Option(help="Its language.")] = "en",
) -> None:
    """Set the declaration sent on the Day (without one, it is made from the D-30 results)."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {file}: {exc}", 2)

    async def _go(sessions: SessionFactory) -> None:
        async with sessions() as session:
            await service.set_declaration(session, year, lang, text, actor="cli")

    _run(_go)
    typer.echo(f"declaration {year} ({lang}) set")


@app.command()
def report(
    year: YEAR,
    as_json: JSON = False,
    chart: Annotated[Path | None, typer.Option(help="Write the chart (PNG) to this file.")] = None,
) -> None:
    """Cities taking part, activities by country and network, emails and chat reach."""

    async def _go(sessions: SessionFactory) -> Any:
        async with sessions() as session:
            campaign = await service.get_campaign(session, year)
            return await report_data.campaign_report(session, campaign)

    found = _run(_go)
    if chart is not None:
        chart.parent.mkdir(parents=True, exist_ok=True)
        chart.write_bytes(chart_png(found))
    if as_json:
        print_json({**found.to_json(), "chart": str(chart) if chart else None})
        return
    document = found.to_json()
    console.print(
        f"[bold]International Day {year}[/bold]: {document['cities_taking_part']} cities, "
        f"{document['activities']['total']} activities in {found.countries} countries"
    )
    print_table("Activities by country", ["country", "activities"], list(found.by_country.items()))
    print_table("Activities by network", ["network", "activities"], list(found.by_network.items()))
    emails, chat = document["emails"], document["chat"]
    typer.echo(
        f"emails: {emails['accepted']} accepted, {emails['opened']} opened "
        f"({emails['open_rate']}%); "
        f"chat: {chat['sent']} sent to {chat['people_reached']} people, {chat['blocked']} blocked"
    )
    if chart is not None:
        typer.echo(f"chart: {chart}")


@app.command()
def kit(
    year: YEAR,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="The directory to write the kit into (default: AIVE_KIT_DIR/<year>, "
            "which the web process serves at /campaigns/<year>/kit/).",
        ),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Build the year's kit into DIR (one folder per language, an index.html) and DIR.zip."""
    from campaigns.kit import KitError, build_kit, check_kit, load_kit_inputs
    from campaigns.kit_site import published_kit
    from newsletter.render import RenderError
    from newsletter.youth import mark_published

    config = campaign_config(settings_or_exit())
    out = out or published_kit(config.kit_dir, year)

    async def _go(sessions: SessionFactory) -> Any:
        async with sessions() as session:
            campaign = await service.get_campaign(session, year)
            inputs = await load_kit_inputs(
                session,
                year,
                theme=campaign.theme,
                declaration=campaign.declaration or None,
                url=campaign.kit_url or config.kit_url(year),
            )
            manifest = build_kit(inputs, out, zip_path=out.with_suffix(".zip"))
            problems = check_kit(out)
            if not problems:
                await mark_published(session, manifest.youth_ids)
                await session.commit()
            return manifest, problems

    try:
        manifest, problems = _run(_go)
    except (KitError, RenderError, OSError) as exc:
        fail(f"the kit could not be built: {exc}")
    if problems:
        fail("the kit failed its checks:\n" + "\n".join(f"  {p}" for p in problems))
    if as_json:
        print_json(
            {
                "out": str(manifest.out_dir),
                "zip": str(manifest.zip_path) if manifest.zip_path else None,
                "files": [{"path": str(f.path), "size": f.size} for f in manifest.files],
                "total_size": manifest.total_size,
            }
        )
        return
    typer.echo(
        f"kit {year}: {len(manifest.files)} files ({manifest.total_size // 1024} KiB) in {out}, "
        f"zip {manifest.zip_path}"
    )
