"""Member cities from CSV (CONTRACT.md): pure validation with a line-by-line report.

Columns: `name`, `country` (ISO 3166-1 alpha-2) required; `region`, `networks`
(semicolon-separated slugs), `languages` (semicolon-separated) optional.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from babel import Locale

from newsletter.staff_csv import UnreadableRow, read_csv, split_list

# Babel's territories are CLDR's: two-letter ones are ISO 3166-1 alpha-2 codes, except these
# CLDR groupings and placeholders
_NOT_COUNTRIES = frozenset({"ZZ", "QO", "EU", "EZ", "UN"})
COUNTRIES = frozenset(
    str(code)
    for code in Locale("en").territories
    if len(str(code)) == 2 and code not in _NOT_COUNTRIES
)
KNOWN_LANGUAGES = frozenset(str(c) for c in Locale("en").languages if len(str(c)) == 2)
REQUIRED = ("name", "country")
OPTIONAL = ("region", "networks", "languages")


@dataclass(frozen=True)
class CityRow:
    line: int
    name: str
    country: str
    region: str | None
    networks: tuple[str, ...]
    languages: tuple[str, ...]


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str


@dataclass
class CityFile:
    rows: list[CityRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def parse_cities_csv(text: str, known_networks: Collection[str]) -> CityFile:
    """Validate every row; valid rows are kept, each bad one is reported with line and column."""
    result = CityFile()
    found = read_csv(text)
    missing = [c for c in REQUIRED if c not in found.header]
    if missing:
        result.errors.append(
            RowError(1, ",".join(missing), "missing column in the header row (name,country,…)")
        )
        return result
    seen: dict[tuple[str, str], int] = {}
    for read in found.rows:
        if isinstance(read, UnreadableRow):
            result.errors.append(RowError(read.start, "", f"unreadable row: {read.problem}"))
            continue
        line, cells = read.end, read.cells
        errors = _row_errors(line, cells, known_networks)
        key = (cells.get("name", "").casefold(), cells.get("country", "").upper())
        if not errors and key in seen:
            errors.append(RowError(line, "name", f"same city as line {seen[key]}"))
        if errors:
            result.errors.extend(errors)
            continue
        seen[key] = line
        result.rows.append(
            CityRow(
                line=line,
                name=cells["name"],
                country=cells["country"].upper(),
                region=cells.get("region") or None,
                networks=split_list(cells.get("networks")),
                languages=tuple(x.lower() for x in split_list(cells.get("languages"))),
            )
        )
    return result


def _row_errors(
    line: int, cells: dict[str, str], known_networks: Collection[str]
) -> list[RowError]:
    errors: list[RowError] = []
    if not cells.get("name"):
        errors.append(RowError(line, "name", "empty; every city needs a name"))
    elif len(cells["name"]) > 200:
        errors.append(RowError(line, "name", "longer than 200 characters"))
    country = cells.get("country", "").upper()
    if not country:
        errors.append(RowError(line, "country", "empty; give an ISO 3166-1 alpha-2 code like PT"))
    elif country not in COUNTRIES:
        errors.append(
            RowError(line, "country", f"{cells['country']!r} is not an ISO 3166-1 alpha-2 code")
        )
    unknown = [n for n in split_list(cells.get("networks")) if n not in known_networks]
    if unknown:
        errors.append(
            RowError(
                line,
                "networks",
                f"unknown network {', '.join(unknown)}; known: {', '.join(sorted(known_networks))}",
            )
        )
    bad_langs = [x for x in split_list(cells.get("languages")) if x.lower() not in KNOWN_LANGUAGES]
    if bad_langs:
        errors.append(
            RowError(line, "languages", f"{', '.join(bad_langs)} is not an ISO 639-1 code")
        )
    return errors
