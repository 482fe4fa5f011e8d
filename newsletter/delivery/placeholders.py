"""Per-recipient placeholders in a rendered message: the one place that knows their syntax.

A bulletin is rendered once per batch; what differs per recipient (name, unsubscribe and
preferences links) is left as tokens, filled by SendGrid (as `substitutions`) or by the file
outbox (`fill`). A token looks like `[[aive:name:html]]`:

- `[[…]]` survives Jinja2, MJML, HTML escaping and plain text untouched, and clashes neither
  with Jinja's `{{ }}` nor with SendGrid's Handlebars.
- SendGrid substitutes the same strings in every part of the message, so each slot has one
  token per part: the `html` value is HTML-escaped, the `text` value is not. Use `text`
  tokens in the text part and the subject, `html` tokens in the HTML part.

Values must never be URL-quoted around a token: put the whole URL token in the `href`.

Text from outside (feeds, editorials, youth ideas, consultation titles) must never form a token:
a template prints it through `defuse`, and writes its own tokens as the `StandIns` of one
render, which only `StandIns.restore` turns into tokens once the rendering is done.
"""

from __future__ import annotations

import enum
import html
import re
import secrets
from collections.abc import Mapping


class Slot(enum.StrEnum):
    NAME = "name"
    UNSUBSCRIBE_URL = "unsubscribe_url"
    PREFERENCES_URL = "preferences_url"


class Part(enum.StrEnum):
    HTML = "html"
    TEXT = "text"


_TOKEN = re.compile(r"\[\[aive:([a-z_]+):([a-z]+)\]\]")
_ANY_TOKEN = re.compile(r"\[\[aive:[^\]]*\]\]")


def token(slot: Slot, part: Part) -> str:
    """The token a template writes for `slot` in `part` (e.g. `[[aive:name:html]]`)."""
    return f"[[aive:{slot.value}:{part.value}]]"


_SLOTS = tuple(Slot)
_SLOT_NAMES = frozenset(s.value for s in Slot)
# (slot, text token, html token), in Slot order: built once, used for every recipient
_TOKENS = tuple((s, token(s, Part.TEXT), token(s, Part.HTML)) for s in Slot)


_BRACKET_PAIR = re.compile(r"\[(?=\[)")
ZERO_WIDTH_SPACE = "\u200b"


def defuse(text: str) -> str:
    """`text` that cannot form a token: a zero-width space (unseen by readers) splits every `[[`.

    Idempotent, and safe in HTML and in plain text.
    """
    return _BRACKET_PAIR.sub("[" + ZERO_WIDTH_SPACE, text) if "[[" in text else text


class StandIns:
    """The tokens of one render, written as unguessable words while everything else is defused.

    A template gets `word(slot, part)` where a token belongs; `restore` puts the tokens back
    once the template (and MJML) are done, so no text from outside can forge one.
    """

    def __init__(self) -> None:
        self._prefix = f"aive{secrets.token_hex(12)}"

    def word(self, slot: Slot, part: Part) -> str:
        return f"{self._prefix}x{slot.value}x{part.value}x"

    def restore(self, document: str) -> str:
        if self._prefix not in document:
            return document
        for slot in Slot:
            for part in Part:
                document = document.replace(self.word(slot, part), token(slot, part))
        return document


def substitutions(values: Mapping[Slot, str]) -> dict[str, str]:
    """Token → value for one recipient, both parts; HTML values are escaped.

    Every slot must be given (an empty string is a valid value).
    """
    if len(values) < len(_SLOTS) or any(s not in values for s in _SLOTS):
        missing = sorted(set(Slot) - set(values))
        raise ValueError(f"missing placeholder values: {', '.join(missing)}")
    pairs: dict[str, str] = {}
    for slot, text_token, html_token in _TOKENS:
        raw = values[slot]
        pairs[text_token] = raw
        pairs[html_token] = html.escape(raw, quote=True)
    return pairs


def fill(template: str, pairs: Mapping[str, str]) -> str:
    """Replace every known token in one pass (a value is never scanned again for tokens)."""
    return _ANY_TOKEN.sub(lambda m: pairs.get(m.group(0), m.group(0)), template)


def misplaced_tokens(template: str, part: Part) -> list[str]:
    """Tokens in `template` that are unknown or meant for the other part, in order."""
    bad: list[str] = []
    for match in _ANY_TOKEN.finditer(template):
        parsed = _TOKEN.fullmatch(match.group(0))
        known = parsed is not None and parsed.group(1) in _SLOT_NAMES
        if not known or parsed is None or parsed.group(2) != part.value:
            bad.append(match.group(0))
    return bad
