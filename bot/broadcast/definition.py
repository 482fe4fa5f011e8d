"""A broadcast described in YAML by staff (`aive broadcast create FILE.yaml`), checked (pure).

```yaml
kind: text                      # text (default) | photo | document | poll
text: {en: "Hello", fr: "Bonjour"}
audience: everyone              # everyone | staff | city_representatives | youth
# or, instead of audience:   chats: [123456789, -1001234567890]
key: day-2026-announcement      # optional: creating it again adds only new chats
```
Photos and documents take `file:` (a path, relative to the YAML file, or an http(s) URL) and
an optional `caption: {lang: text}`; polls take `question: {lang: text}` and `options: [{lang:
text}, ...]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.broadcast.content import ContentError, validate_payload
from bot.broadcast.outbox import AUDIENCES
from storage.broadcasts import BroadcastKind


@dataclass(frozen=True)
class Definition:
    kind: BroadcastKind
    payload: dict[str, Any]
    audience: str | None
    chats: tuple[int, ...]
    key: str | None


def parse_definition(data: object, base_dir: Path) -> Definition:
    """The broadcast `data` describes; ContentError with one sentence when it is wrong."""
    if not isinstance(data, dict):
        raise ContentError("the file must be a mapping (kind, text, audience, ...)")
    try:
        kind = BroadcastKind(data.get("kind", "text"))
    except ValueError:
        raise ContentError(f"kind must be one of {', '.join(BroadcastKind)}") from None
    audience, chats = data.get("audience"), data.get("chats")
    if (audience is None) == (chats is None):
        raise ContentError("give either audience or chats")
    if audience is not None and audience not in AUDIENCES:
        raise ContentError(f"audience must be one of {', '.join(AUDIENCES)}")
    if chats is not None and (
        not isinstance(chats, list) or not chats or not all(type(c) is int for c in chats)
    ):
        raise ContentError("chats must be a list of Telegram chat ids (integers)")
    payload = {k: data[k] for k in ("text", "caption", "question", "options") if k in data}
    if "file" in data:
        payload["file"] = _file(str(data["file"]), base_dir)
    for flag in ("is_anonymous", "allows_multiple_answers"):
        if flag in data:
            payload[flag] = bool(data[flag])
    validate_payload(kind, payload)
    key = str(data["key"]) if data.get("key") else None
    return Definition(kind, payload, audience, tuple(chats or ()), key)


def _file(value: str, base_dir: Path) -> dict[str, str]:
    if value.startswith(("http://", "https://")):
        return {"url": value}
    path = (base_dir / value).resolve()
    if not path.is_file():
        raise ContentError(f"file {value} not found")
    return {"path": str(path)}
