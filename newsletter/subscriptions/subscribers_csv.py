"""Subscribers from CSV (CONTRACT.md): pure validation with a line-by-line report.

Header row; `email` required; `name`, `language`, `networks` (semicolon-separated slugs),
`consent_source`, `consented_at` optional. Valid rows are kept, each bad row is reported with
its line and the reason.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime

from newsletter.staff_csv import UnreadableRow, read_csv, split_list
from newsletter.subscriptions.addresses import AddressError, address_key, normalize_address
from newsletter.subscriptions.names import has_control, subscriber_name

COLUMNS = ("email", "name", "language", "networks", "consent_source", "consented_at")


@dataclass(frozen=True)
class SubscriberRow:
    line: int
    email: str
    name: str | None
    language: str | None
    networks: tuple[str, ...]
    consent_source: str | None
    consented_at: datetime | None


@dataclass(frozen=True)
class RejectedRow:
    line: int
    email: str
    reason: str


@dataclass
class SubscriberFile:
    rows: list[SubscriberRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)


def split_slugs(value: str | None) -> tuple[str, ...]:
    return split_list((value or "").lower())


def parse_consent_time(value: str, now: datetime) -> datetime:
    """ISO 8601 date or date-time; naive means UTC; never in the future. ValueError otherwise."""
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the first UTC moment
        raise ValueError("is out of range") from None
    if moment > now:
        raise ValueError("is in the future")
    return moment


def parse_subscribers_csv(
    text: str,
    known_networks: Collection[str],
    known_languages: Collection[str],
    now: datetime,
    *,
    confirmed: bool = False,
    consent_source: str | None = None,
) -> SubscriberFile:
    """Validate every row. With `confirmed`, each row needs a consent source (its own column,
    or `consent_source` for the whole file)."""
    result = SubscriberFile()
    found = read_csv(text)
    if "email" not in found.header:
        result.rejected.append(RejectedRow(1, "", "no `email` column in the header row"))
        return result
    seen: dict[str, int] = {}
    for read in found.rows:
        if isinstance(read, UnreadableRow):
            result.rejected.append(RejectedRow(read.start, "", f"unreadable row: {read.problem}"))
            continue
        line, cells = read.start, read.cells
        if not any(cells.values()):
            continue
        raw_email = cells.get("email", "")
        try:
            row = _row(line, cells, known_networks, known_languages, now)
        except ValueError as exc:
            result.rejected.append(RejectedRow(line, raw_email, str(exc)))
            continue
        key = address_key(row.email)
        if key in seen:
            result.rejected.append(
                RejectedRow(line, raw_email, f"email: same address as line {seen[key]}")
            )
            continue
        if confirmed and not (row.consent_source or consent_source):
            result.rejected.append(
                RejectedRow(
                    line,
                    raw_email,
                    "consent_source: empty; --confirmed needs a consent source for every row "
                    "(a consent_source column or --consent-source)",
                )
            )
            continue
        seen[key] = line
        result.rows.append(row)
    return result


def _row(
    line: int,
    cells: dict[str, str],
    known_networks: Collection[str],
    known_languages: Collection[str],
    now: datetime,
) -> SubscriberRow:
    for column, value in cells.items():
        if has_control(value):
            raise ValueError(f"{column}: contains a line break or another control character")
    try:
        email = normalize_address(cells.get("email", ""))
    except AddressError as exc:
        raise ValueError(f"email: {exc}") from None
    language = cells.get("language", "").lower().replace("_", "-").split("-")[0] or None
    if language is not None and language not in known_languages:
        raise ValueError(
            f"language: {cells['language']!r} is not one of {', '.join(sorted(known_languages))}"
        )
    networks = split_slugs(cells.get("networks"))
    unknown = [n for n in networks if n not in known_networks]
    if unknown:
        raise ValueError(
            f"networks: unknown {', '.join(unknown)}; known: {', '.join(sorted(known_networks))}"
        )
    try:
        name = subscriber_name(cells.get("name"))
    except ValueError as exc:
        raise ValueError(f"name: {exc}") from None
    source = cells.get("consent_source") or None
    if source is not None and len(source) > 200:
        raise ValueError("consent_source: longer than 200 characters")
    consented_at = None
    if cells.get("consented_at"):
        try:
            consented_at = parse_consent_time(cells["consented_at"], now)
        except ValueError as exc:
            detail = next(
                (d for d in ("is in the future", "is out of range") if d in str(exc)),
                "is not an ISO 8601 date",
            )
            raise ValueError(f"consented_at: {cells['consented_at']!r} {detail}") from None
    return SubscriberRow(line, email, name, language, networks, source, consented_at)
