"""`aive campaign declaration`, `report` and `kit`: what the International Day itself needs:
the declaration sent on the Day, the report of who took part, and the kit the cities use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from app.campaign_config import campaign_config
from app.cli.campaign import JSON, YEAR, run_campaign_action
from app.cli.context import console, fail, print_json, print_table, settings_or_exit
from app.cli.i18n import N_, _, ngettext
from campaigns import report_data, service
from campaigns.report import chart_png
from storage.engine import SessionFactory

# Added without a name to `aive campaign` (see app/cli/main.py): its commands join that group.
app = typer.Typer()


@app.command(
    help=N_("Set the declaration sent on the Day (without one, it is made from the D-30 results).")
)
def declaration(
    year: YEAR,
    file: Annotated[Path, typer.Argument(help=N_("The declaration, a Markdown or text file."))],
    lang: Annotated[str, typer.Option(help=N_("Its language."))] = "en",
) -> None:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(_("cannot read {file}: {error}", file=file, error=exc), 2)

    async def _go(sessions: SessionFactory) -> None:
        async with sessions() as session:
            await service.set_declaration(session, year, lang, text, actor="cli")

    run_campaign_action(_go)
    typer.echo(_("declaration {year} ({lang}) set", year=year, lang=lang))


@app.command(
    help=N_("Cities taking part, activities by country and network, emails and chat reach.")
)
def report(
    year: YEAR,
    as_json: JSON = False,
    chart: Annotated[
        Path | None, typer.Option(help=N_("Write the chart (PNG) to this file."))
    ] = None,
) -> None:

    async def _go(sessions: SessionFactory) -> Any:
        async with sessions() as session:
            campaign = await service.get_campaign(session, year)
            return await report_data.campaign_report(session, campaign)

    found = run_campaign_action(_go)
    if chart is not None:
        chart.parent.mkdir(parents=True, exist_ok=True)
        chart.write_bytes(chart_png(found))
    if as_json:
        print_json({**found.to_json(), "chart": str(chart) if chart else None})
        return
    document = found.to_json()
    console().print(
        _(
            "[bold]International Day {year}[/bold]: {cities} cities, "
            "{activities} activities in {countries} countries",
            year=year,
            cities=document["cities_taking_part"],
            activities=document["activities"]["total"],
            countries=found.countries,
        )
    )
    print_table(
        _("Activities by country"),
        [_("country"), _("activities")],
        list(found.by_country.items()),
    )
    print_table(
        _("Activities by network"),
        [_("network"), _("activities")],
        list(found.by_network.items()),
    )
    emails, chat = document["emails"], document["chat"]
    typer.echo(
        _(
            "emails: {accepted} accepted, {opened} opened ({open_rate}%); "
            "chat: {sent} sent to {people} people, {blocked} blocked",
            accepted=emails["accepted"],
            opened=emails["opened"],
            open_rate=emails["open_rate"],
            sent=chat["sent"],
            people=chat["people_reached"],
            blocked=chat["blocked"],
        )
    )
    if chart is not None:
        typer.echo(_("chart: {chart}", chart=chart))


@app.command(
    help=N_("Build the year's kit into DIR (one folder per language, an index.html) and DIR.zip.")
)
def kit(
    year: YEAR,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=N_(
                "The directory to write the kit into (default: AIVE_KIT_DIR/<year>, "
                "which the web process serves at /campaigns/<year>/kit/)."
            ),
        ),
    ] = None,
    as_json: JSON = False,
) -> None:
    from campaigns.kit import KitError, build_kit, check_kit, load_kit_inputs
    from newsletter.editions.render import RenderError
    from newsletter.editions.youth import mark_published
    from web.public.kit import published_kit

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
        manifest, problems = run_campaign_action(_go)
    except (KitError, RenderError, OSError) as exc:
        fail(_("the kit could not be built: {error}", error=exc))
    if problems:
        fail("\n".join([_("the kit failed its checks:"), *(f"  {p}" for p in problems)]))
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
        ngettext(
            "kit {year}: {n} file ({size} KiB) in {out}, zip {zip}",
            "kit {year}: {n} files ({size} KiB) in {out}, zip {zip}",
            len(manifest.files),
            year=year,
            size=manifest.total_size // 1024,
            out=out,
            zip=manifest.zip_path,
        )
    )
