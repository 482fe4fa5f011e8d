"""Data the bulletin, subscriber and feed pages are tested with: the seeded networks and
`global` series, sources in four cities and this week's items, and a signed-in editor."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiohttp.test_utils import TestClient

from storage.base import utcnow
from storage.engine import SessionFactory
from storage.feeds import Item, Source
from storage.networks import City
from storage.seed import load_seed
from storage.staff import StaffMember, StaffRole
from tests.newsletter.bulletin_samples import make_item
from tests.web.console.helpers import add_member, console_client, csrf_token, sign_in_as

CITIES = (("Lyon", "FR", "francophone", "fr"), ("Barcelona", "ES", "spain", "es"))
CITIES += (("Lisboa", "PT", "portugal", "pt"), ("Rosario", "AR", "latin-america", "es"))


@dataclass
class PagesWorld:
    items: dict[str, int]
    sources: dict[str, int]


async def pages_world(sessions: SessionFactory) -> PagesWorld:
    now = utcnow()
    async with sessions() as session:
        await load_seed(session)
        sources: dict[str, Source] = {}
        items: dict[str, Item] = {}
        for name, country, network, language in CITIES:
            city = City(name=name, country=country)
            source = Source(
                url=f"https://{name.lower()}.example.org/feed",
                title=name,
                networks=[network],
                city=city,
                language=language,
            )
            sources[name] = source
            for n in range(2):
                key = f"{name.lower()}-{n}"
                items[key] = make_item(key, source, language=language, hours_ago=5 + n, now=now)
        session.add_all([*sources.values(), *items.values()])
        await session.commit()
        return PagesWorld(
            items={k: i.id for k, i in items.items()}, sources={k: s.id for k, s in sources.items()}
        )


@dataclass
class Staff:
    client: TestClient
    member: StaffMember
    token: str  # the CSRF token of this client's forms


async def signed_in(
    sessions: SessionFactory,
    outbox: Path,
    role: StaffRole = StaffRole.editor,
    language: str = "en",
) -> Staff:
    """A started client with `role` signed in (close it with `await staff.client.close()`)."""
    return await start_signed_in(sessions, console_client(sessions, outbox), role, language)


async def start_signed_in(
    sessions: SessionFactory, client: TestClient, role: StaffRole, language: str
) -> Staff:
    """Starts `client` with Inés, a new staff member with `role`, signed in on it."""
    member = await add_member(sessions, role, f"{role.value}@aive.test", "Inés", language=language)
    await client.start_server()
    await sign_in_as(client, sessions, member)
    return Staff(client, member, await csrf_token(client, "/console/"))
