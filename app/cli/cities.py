"""`aive cities`: member cities."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import select

from app.cities_csv import CityFile, parse_cities_csv
from app.cli.context import fail, print_json, print_table, settings_or_exit, with_sessions
from storage.audit import record
from storage.engine import SessionFactory
from storage.networks import City, Network

app = typer.Typer(help="Member cities.", no_args_is_help=True)


@app.command("import")
def import_cities(
    file: Path = typer.Argument(
        ..., help="CSV with a header row: name,country[,region,networks,languages]"
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON report."),
) -> None:
    """Add or update cities; bad rows are reported with line and column, the good ones kept."""
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{file}: no such file", 2)
    except UnicodeDecodeError as exc:
        fail(f"{file}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8", 2)

    async def _go(sessions: SessionFactory) -> tuple[CityFile, int, int]:
        async with sessions() as session:
            networks = {n.slug: n for n in (await session.scalars(select(Network))).all()}
            parsed = parse_cities_csv(text, networks.keys())
            added = updated = 0
            for row in parsed.rows:
                city = await session.scalar(
                    select(City).where(City.name == row.name, City.country == row.country)
                )
                if city is None:
                    city = City(name=row.name, country=row.country)
                    session.add(city)
                    added += 1
                else:
                    updated += 1
                city.region = row.region
                city.languages = list(row.languages)
                city.networks = [networks[slug] for slug in row.networks]
            record(session, "cli", "cities.imported", str(file), added=added, updated=updated)
            await session.commit()
            return parsed, added, updated

    parsed, added, updated = with_sessions(settings_or_exit(), _go)
    rejected = [{"line": e.line, "column": e.column, "reason": e.reason} for e in parsed.errors]
    if as_json:
        print_json({"added": added, "updated": updated, "rejected": rejected})
    else:
        typer.echo(f"{added} cities added, {updated} updated, {len(rejected)} rows rejected")
        if rejected:
            print_table(
                "Rejected rows",
                ["line", "column", "reason"],
                [(e["line"], e["column"], e["reason"]) for e in rejected],
            )
    if rejected and not parsed.rows:
        raise typer.Exit(1)


@app.command("list")
def list_cities(as_json: bool = typer.Option(False, "--json", help="One JSON document.")) -> None:
    """Every member city with its country, region, networks and languages."""

    async def _go(sessions: SessionFactory) -> list[dict[str, object]]:
        async with sessions() as session:
            cities = (await session.scalars(select(City).order_by(City.country, City.name))).all()
            return [
                {
                    "id": c.id,
                    "name": c.name,
                    "country": c.country,
                    "region": c.region,
                    "networks": sorted(n.slug for n in c.networks),
                    "languages": c.languages,
                }
                for c in cities
            ]

    cities = with_sessions(settings_or_exit(), _go)
    if as_json:
        print_json(cities)
        return
    print_table(
        f"{len(cities)} member cities",
        ["id", "name", "country", "region", "networks", "languages"],
        [
            (
                c["id"],
                c["name"],
                c["country"],
                c["region"],
                c["networks"],
                c["languages"],
            )
            for c in cities
        ],
    )

