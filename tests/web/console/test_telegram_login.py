"""The Telegram Login Widget: its hash is checked with the bot token as Telegram documents, and
only a staff member linked to that Telegram account signs in."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import staff_queries
from storage.engine import SessionFactory
from storage.people import Person
from storage.staff import StaffRole
from tests.web.console.helpers import add_member, console_client
from web.console.sessions import SESSION_COOKIE
from web.console.telegram_login import verified_telegram_id, widget_hash

TOKEN = "123456:telegram-test-token"
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def widget_fields(telegram_id: int, when: datetime, token: str = TOKEN) -> dict[str, str]:
    fields = {
        "id": str(telegram_id),
        "first_name": "Inés",
        "username": "ines",
        "auth_date": str(int(when.timestamp())),
    }
    return fields | {"hash": widget_hash(fields, token)}


def test_a_hash_computed_with_the_bot_token_is_accepted() -> None:
    # the data-check-string is the sorted key=value lines without the hash
    fields = widget_fields(777, NOW - timedelta(minutes=1))
    assert verified_telegram_id(fields, TOKEN, NOW) == 777


def test_a_wrong_hash_a_changed_field_or_an_old_login_is_refused() -> None:
    good = widget_fields(777, NOW - timedelta(minutes=1))
    assert verified_telegram_id(good | {"id": "778"}, TOKEN, NOW) is None
    assert verified_telegram_id(widget_fields(777, NOW, "999:other"), TOKEN, NOW) is None
    assert verified_telegram_id({k: v for k, v in good.items() if k != "hash"}, TOKEN, NOW) is None
    assert verified_telegram_id(widget_fields(777, NOW - timedelta(days=2)), TOKEN, NOW) is None
    assert verified_telegram_id(good | {"auth_date": "soon"}, TOKEN, NOW) is None


async def test_a_linked_staff_member_signs_in_with_telegram(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    member = await add_member(sessions, StaffRole.moderator, "mo@aive.test")
    async with sessions() as session:
        person = Person(telegram_id=777, display_name="Mo")
        session.add(person)
        await session.flush()
        found = await staff_queries.staff_by_id(session, member.id)
        assert found is not None
        await staff_queries.link_person(session, found, person.id, actor="test")
        await session.commit()
    now = datetime.fromtimestamp(time.time(), UTC)
    async with console_client(sessions, tmp_path, telegram_token=TOKEN) as client:
        good = await client.get(
            "/console/sign-in/telegram", params=widget_fields(777, now), allow_redirects=False
        )
        stranger = await client.get(
            "/console/sign-in/telegram", params=widget_fields(778, now), allow_redirects=False
        )
        forged = await client.get(
            "/console/sign-in/telegram",
            params=widget_fields(777, now, "1:wrong"),
            allow_redirects=False,
        )
        refusal = await forged.text()
    assert good.status == 303 and SESSION_COOKIE in good.cookies
    assert stranger.status == 403 and SESSION_COOKIE not in stranger.cookies
    assert forged.status == 403 and "not linked to a staff member" in refusal


async def test_without_a_bot_token_there_is_no_telegram_sign_in(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    async with console_client(sessions, tmp_path) as client:
        response = await client.get("/console/sign-in/telegram", params={"id": "1", "hash": "x"})
    assert response.status == 404
