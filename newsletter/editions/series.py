"""Bulletin series: a title per language, the networks whose items it carries (and whose
subscribers receive it), its languages and its cadence. `global` is seeded; staff add others,
e.g. a territorial network's own bulletin."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.editions.cadence import CadenceError, trigger
from newsletter.editions.errors import BulletinError
from newsletter.editions.render import CATALOG_LANGUAGES
from storage import audit
from storage.bulletins import Series
from storage.networks import Network

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class SeriesError(BulletinError):
    """A series cannot be added as given; `field` names the option to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class SeriesExists(SeriesError):
    """A series with that slug already exists."""


async def list_series(session: AsyncSession) -> list[Series]:
    return list((await session.scalars(select(Series).order_by(Series.slug))).all())


async def add_series(
    session: AsyncSession,
    slug: str,
    *,
    networks: Sequence[str],
    languages: Sequence[str],
    titles: Mapping[str, str],
    cadence: str,
    timezone: str,
    actor: str,
) -> Series:
    """Check and store a new series; SeriesError names the first wrong field."""
    if not SLUG.match(slug):
        raise SeriesError("slug", "lowercase letters, digits and -, at most 63, e.g. portugal")
    known = set(await session.scalars(select(Network.slug)))
    unknown = [n for n in networks if n not in known]
    if not networks or unknown:
        raise SeriesError(
            "--network", f"unknown {unknown[0]!r}" if unknown else "at least one is needed"
        )
    bad = [lang for lang in languages if lang not in CATALOG_LANGUAGES]
    if not languages or bad:
        raise SeriesError(
            "--lang",
            f"{bad[0]!r} is not one of {', '.join(CATALOG_LANGUAGES)}" if bad else "at least one",
        )
    missing = [lang for lang in languages if not titles.get(lang, "").strip()]
    if missing:
        raise SeriesError("--title", f"give the title in {missing[0]} (e.g. {missing[0]}=…)")
    try:
        trigger(cadence, timezone)
    except CadenceError as error:
        raise SeriesError("--cadence", str(error)) from None
    series = Series(
        slug=slug,
        networks=list(dict.fromkeys(networks)),
        languages=list(dict.fromkeys(languages)),
        titles={lang: text.strip() for lang, text in titles.items() if text.strip()},
        cadence=cadence,
    )
    session.add(series)
    audit.record(session, actor, "series.add", slug)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise SeriesExists("slug", f"a series {slug!r} already exists") from None
    return series
