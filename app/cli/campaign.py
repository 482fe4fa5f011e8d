"""`aive campaign`: the International Day campaign of a year (timeline, launches, pauses).

The Day's own commands (declaration, report, kit) live in `campaign_day`; app/cli/main.py adds
them to this group.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from app.campaign_config import campaign_config
from app.cli.context import console, fail, print_json, print_table, settings_or_exit, with_sessions
from app.cli.i18n import N_, _, ngettext
from campaigns import service
from campaigns.errors import CampaignError, DayPassed
from campaigns.launch import launch_step
from campaigns.plan import dry_run, plan
from campaigns.timeline import TimelineError, day_of, parse_moment
from storage.base import utcnow
from storage.engine import SessionFactory

app = typer.Typer(
    help=N_("The International Day of Educating Cities (30 November): campaign timeline."),
    no_args_is_help=True,
)

YEAR = Annotated[int, typer.Option("--year", help=N_("The campaign's year."))]
JSON = Annotated[bool, typer.Option("--json", help=N_("Print one JSON document."))]
STEP = Annotated[str, typer.Argument(help=N_("A step: d-45, d-30, d-10, d-1, d or d+7."))]


def run_campaign_action(action: Any) -> Any:
    """Run `action` with a session factory; a campaign or timeline error ends the command with
    its one-sentence message."""
    settings = settings_or_exit()
    try:
        return with_sessions(settings, action)
    except (CampaignError, TimelineError) as exc:
        fail(str(exc))


@app.command(
    help=N_("Set up the year's campaign: six steps from D-45 to D+7 at 09:00 secretariat time.")
)
def create(
    year: YEAR,
    theme: Annotated[str | None, typer.Option(help=N_("This year's theme."))] = None,
    kit_url: Annotated[
        str | None,
        typer.Option(help=N_("Where cities get the kit (default: under AIVE_PUBLIC_URL).")),
    ] = None,
) -> None:
    config = campaign_config(settings_or_exit())

    async def _go(sessions: SessionFactory) -> int | None:
        async with sessions() as session:
            try:
                campaign = await service.create_campaign(
                    session, year, config, theme=theme, kit_url=kit_url, actor="cli", now=utcnow()
                )
            except DayPassed:
                return None
            return len(campaign.steps)

    steps = run_campaign_action(_go)
    if steps is None:
        fail(
            _(
                "The International Day of Educating Cities {year} ({day}) has passed: its "
                "campaign could only send late, so it was not created. Create the campaign "
                "of a coming year.",
                year=year,
                day=day_of(year).isoformat(),
            )
        )
    typer.echo(
        ngettext(
            "campaign {year} created with {n} step (see: aive campaign plan --year {year})",
            "campaign {year} created with {n} steps (see: aive campaign plan --year {year})",
            steps,
            year=year,
        )
    )


@app.command(
    "plan", help=N_("Every step with its date, audience, channels and how many would receive it.")
)
def plan_(year: YEAR, as_json: JSON = False) -> None:
    config = campaign_config(settings_or_exit())

    async def _go(sessions: SessionFactory) -> tuple[Any, list[Any]]:
        async with sessions() as session:
            campaign = await service.get_campaign(session, year)
            return campaign, await plan(session, campaign, config)

    campaign, lines = run_campaign_action(_go)
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
    status = campaign.status.value
    if campaign.theme:
        title = _(
            "Campaign {year} ({status}): {theme}", year=year, status=status, theme=campaign.theme
        )
    else:
        title = _("Campaign {year} ({status})", year=year, status=status)
    print_table(
        title,
        [
            _("step"),
            _("when"),
            _("status"),
            _("chat audience"),
            _("channels"),
            _("emails"),
            _("chats"),
        ],
        [
            (
                line.key,
                _("{when} (moved)", when=line.local) if line.moved_from else line.local,
                line.status,
                _(
                    "{audience} + consultation {consultation}",
                    audience=line.chat_audience,
                    consultation=line.consultation,
                )
                if line.consultation
                else line.chat_audience,
                line.channels,
                line.emails,
                line.chats,
            )
            for line in lines
        ],
    )


@app.command(help=N_("Launch a step now (its time does not matter), or show what it would send."))
def launch(
    year: YEAR,
    step: STEP,
    dry: Annotated[
        bool, typer.Option("--dry-run", help=N_("Print who would get what; send nothing."))
    ] = False,
    as_json: JSON = False,
    first: Annotated[int, typer.Option(help=N_("How many recipients the dry run lists."))] = 5,
) -> None:
    config = campaign_config(settings_or_exit())

    async def _go(sessions: SessionFactory) -> Any:
        async with sessions() as session:
            campaign = await service.get_campaign(session, year)
            service.find_step(campaign, step)
            if dry:
                return await dry_run(session, campaign, step, config, first=first)
            return await launch_step(session, campaign, step, config, now=utcnow(), actor="cli")

    outcome = run_campaign_action(_go)
    if as_json:
        print_json({"dry_run": dry, **outcome.to_json()})
        return
    if dry:
        _print_dry_run(outcome)
    elif outcome.already:
        typer.echo(_("step {key} was launched already: nothing sent again", key=outcome.key))
    else:
        typer.echo(
            _(
                "step {key} launched: {emails} emails, {chats} chat messages queued "
                "(the worker sends them: aive worker)",
                key=outcome.key,
                emails=sum(outcome.emails.values()),
                chats=outcome.chats + outcome.invitations,
            )
        )


def _print_dry_run(found: Any) -> None:
    console().print(_("[bold]Dry run of {key}[/bold]: nothing is sent.", key=found.key))
    if found.consultation:
        console().print(
            _(
                "consultation {consultation} would open and invite representatives",
                consultation=found.consultation,
            )
        )
    for lang, subject in found.subjects.items():
        emails, chats = found.emails_by_language.get(lang, 0), found.chats_by_language.get(lang, 0)
        line = _(
            "{lang}: {emails} emails, {chats} chats — {subject}",
            lang=lang,
            emails=emails,
            chats=chats,
            subject=subject,
        )
        console().print("  " + line)
    if found.first_emails:
        console().print(_("first emails: {emails}", emails=", ".join(found.first_emails)))
    else:
        console().print(_("first emails: none"))
    if found.first_chats:
        console().print(_("first chats: {chats}", chats=", ".join(found.first_chats)))
    else:
        console().print(_("first chats: none"))


def _pause(year: int, step: str | None, paused: bool) -> None:
    async def _go(sessions: SessionFactory) -> None:
        async with sessions() as session:
            await service.set_paused(session, year, step, paused=paused, actor="cli")

    run_campaign_action(_go)
    if step and paused:
        typer.echo(_("step {step} paused", step=step))
    elif step:
        typer.echo(_("step {step} resumed", step=step))
    elif paused:
        typer.echo(_("campaign {year} paused", year=year))
    else:
        typer.echo(_("campaign {year} resumed", year=year))


@app.command(help=N_("Stop the scheduler from launching the campaign's steps (or one step)."))
def pause(
    year: YEAR,
    step: Annotated[
        str | None, typer.Argument(help=N_("One step; without it, the whole campaign."))
    ] = None,
) -> None:
    _pause(year, step, True)


@app.command(help=N_("Let the scheduler launch the campaign's steps (or one step) again when due."))
def resume(
    year: YEAR,
    step: Annotated[
        str | None, typer.Argument(help=N_("One step; without it, the whole campaign."))
    ] = None,
) -> None:
    _pause(year, step, False)


@app.command(help=N_("Give a step that is not launched yet another time."))
def move(
    year: YEAR,
    step: STEP,
    to: Annotated[
        str,
        typer.Option("--to", help=N_("YYYY-MM-DD (09:00) or YYYY-MM-DDTHH:MM, secretariat time.")),
    ],
) -> None:
    settings = settings_or_exit()
    try:
        moment = parse_moment(to, settings.timezone)
    except TimelineError as exc:
        fail(str(exc), 2)

    async def _go(sessions: SessionFactory) -> str:
        async with sessions() as session:
            moved = await service.move_step(session, year, step, moment, actor="cli")
            return moved.key

    key = run_campaign_action(_go)
    typer.echo(_("step {key} moved to {moment}", key=key, moment=moment.isoformat()))
