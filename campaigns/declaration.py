"""The declaration read on the Day, per language, and its versions: saving a text adds a
version (the earlier ones stay, and staff can take one up again), and a save made from an
editor opened on an older version is refused instead of overwriting what someone else saved.

`aive campaign declaration` and the console both save through `service.set_declaration`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.errors import CampaignError
from i18n.languages import LANGUAGES
from storage import campaigns_queries
from storage.campaigns import Campaign, DeclarationVersion

MAX_LENGTH = 10_000  # characters: a page or two, what a declaration read aloud takes


class DeclarationError(CampaignError):
    """The text or the language cannot be saved as the declaration."""


class UnknownLanguage(DeclarationError):
    pass


class EmptyDeclaration(DeclarationError):
    pass


class DeclarationTooLong(DeclarationError):
    pass


class DeclarationChanged(DeclarationError):
    """Someone saved another version since the editor was opened (`current` is its number)."""

    def __init__(self, message: str, current: int) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class Version:
    number: int
    text: str
    saved_by: str  # an audit actor (`staff:3`, `cli`), "" for a text older than versions
    saved_at: datetime | None


def checked_text(lang: str, text: str) -> str:
    """The text as it is stored (stripped); DeclarationError when it cannot be."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(f"language must be one of {', '.join(LANGUAGES)}")
    clean = text.replace("\r\n", "\n").strip()
    if not clean:
        raise EmptyDeclaration("the declaration is empty")
    if len(clean) > MAX_LENGTH:
        raise DeclarationTooLong(
            f"the declaration has {len(clean)} characters; at most {MAX_LENGTH}"
        )
    return clean


async def versions(session: AsyncSession, campaign: Campaign, lang: str) -> list[Version]:
    """The declaration's versions in `lang`, newest first. A text set before versions were
    kept counts as version 1."""
    rows = await campaigns_queries.declaration_versions(session, campaign.id, lang)
    found = [Version(r.number, r.text, r.saved_by, r.saved_at) for r in rows]
    current = campaign.declaration.get(lang)
    if not found and current:
        found = [Version(1, current, "", None)]
    return found


def current_number(found: list[Version]) -> int:
    """The number of the text in use (0: none yet)."""
    return found[0].number if found else 0


async def add_version(
    session: AsyncSession,
    campaign: Campaign,
    lang: str,
    text: str,
    *,
    actor: str,
    expected: int | None = None,
) -> Version | None:
    """Make `text` the declaration in `lang` as a new version (None when it is the text in use
    already: nothing to save). With `expected`, the version the editor started from, a newer
    one saved meanwhile raises DeclarationChanged. Does not commit."""
    clean = checked_text(lang, text)
    found = await versions(session, campaign, lang)
    number = current_number(found)
    if expected is not None and expected != number:
        raise DeclarationChanged(
            f"the {lang} declaration was saved again (version {number}) since you opened "
            f"version {expected}",
            number,
        )
    if found and found[0].text == clean:
        return None
    if found and found[0].saved_at is None:  # keep the text from before versions as version 1
        session.add(
            DeclarationVersion(
                campaign_id=campaign.id, language=lang, number=1, text=found[0].text, saved_by=""
            )
        )
    row = DeclarationVersion(
        campaign_id=campaign.id, language=lang, number=number + 1, text=clean, saved_by=actor
    )
    session.add(row)
    campaign.declaration = {**campaign.declaration, lang: clean}
    return Version(row.number, clean, actor, None)
