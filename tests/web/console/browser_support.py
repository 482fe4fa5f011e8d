"""What the console's browser tests share: the marks that skip them without chromium, axe-core
run in a page, the checks that save a screenshot next to axe's findings, and a signed-in
session cookie (what the emailed sign-in link would give)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page

from storage import staff_queries
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.newsletter.browser import find_chromium
from tests.web.console.helpers import add_member
from web.console.magic_links import digest

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = find_chromium()

BROWSER_TESTS = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not installed (make browser, or apt-get install chromium)",
    ),
]


async def axe_violations(page: Page) -> list[str]:
    """axe-core's violations on the page as it is, one line each: rule (impact): targets."""
    await page.add_script_tag(path=str(AXE))
    found = await page.evaluate(
        "async () => (await axe.run()).violations"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target).join(' '))"
    )
    return [str(v) for v in found]


async def save_screenshot(page: Page, filename: str) -> None:
    """The whole page into var/screenshots/<filename>."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / filename), full_page=True)


async def check_page(
    page: Page,
    name: str,
    found: dict[str, list[str]],
    widths: tuple[int, ...] = (1280, 375),
    screenshot: str = "console-{name}-{width}.png",
) -> None:
    """At each width (900 px high): axe's violations into found["<name> at <width>px"] and a
    screenshot named by `screenshot` ({name} and {width} filled in; without {width}, one
    screenshot at the last width). The viewport is put back as it was."""
    before = page.viewport_size
    for width in widths:
        await page.set_viewport_size({"width": width, "height": 900})
        found[f"{name} at {width}px"] = await axe_violations(page)
        if "{width}" in screenshot or width == widths[-1]:
            await save_screenshot(page, screenshot.format(name=name, width=width))
    if before is not None:
        await page.set_viewport_size(before)


async def check_as_shown(
    page: Page, name: str, found: dict[str, list[str]], screenshot: str = "{name}.png"
) -> None:
    """At the page's current size: a screenshot named by `screenshot` ({name} filled in) and
    axe's violations into found[name]."""
    await save_screenshot(page, screenshot.format(name=name))
    found[name] = await axe_violations(page)


async def session_cookie_for(
    sessions: SessionFactory, staff_id: int, lifetime: timedelta = timedelta(hours=12)
) -> str:
    """The session cookie's value for a live console session of this staff member."""
    token = secrets.token_urlsafe(32)
    async with sessions() as session:
        await staff_queries.create_session(
            session,
            staff_id=staff_id,
            token_hash=digest(token),
            now=utcnow(),
            lifetime=lifetime,
            ip=None,
            user_agent=None,
        )
        await session.commit()
    return token


async def signed_in_cookie(
    sessions: SessionFactory, role: StaffRole, email: str, name: str, language: str = "en"
) -> str:
    """A new staff member with this role, signed in: the session cookie's value."""
    member = await add_member(sessions, role, email, name, language=language)
    return await session_cookie_for(sessions, member.id)
