"""A broadcast described in YAML by staff (`aive broadcast create FILE.yaml`), checked (pure).

```yaml
kind: text                      # text (default) | photo | document | poll
text: {en: "Hello", fr: "Bonjour"}
audience: everyone              # everyone | staff | city_representatives | youth
networks: [spain]               # optional, with audience: only people of these networks' cities
# or, instead of audience:   chats: [123456789, -1001234567890]
key: day-2026-announcement      # optional: creating it again adds only new chats
```
Photos and documents take `file:` (a path, relative to the YAML file, or an http(s) URL) and
an optional `caption: {lang: text}`; polls take `question: {lang: text}` and `options: [{lang:
text}, ...]`. Any other key is refused; every problem is reported with its path, through the
problems mechanism the consultation, poll and café files use (engagement.problems).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engagement.networks_check import unknown_network_errors
from engagement.problems import N_, Problem, ProblemsError
from outbox.content import ContentError, validate_payload
from outbox.queue import AUDIENCES
from storage.broadcasts import BroadcastKind

PAYLOAD_KEYS = ("text", "caption", "question", "options")
FLAGS = ("is_anonymous", "allows_multiple_answers")
FIELDS = frozenset({"kind", "audience", "networks", "chats", "key", "file", *PAYLOAD_KEYS, *FLAGS})


class BroadcastFileError(ProblemsError):
    """A broadcast file with problems: every `path: reason`."""


@dataclass(frozen=True)
class Definition:
    kind: BroadcastKind
    payload: dict[str, Any]
    audience: str | None
    chats: tuple[int, ...]
    key: str | None
    networks: tuple[str, ...] = ()


def parse_definition(
    data: object, base_dir: Path, known_networks: list[str] | None = None
) -> Definition:
    """The broadcast `data` describes; BroadcastFileError with every problem when it is wrong
    (networks are checked against `known_networks` when given)."""
    if not isinstance(data, dict):
        raise BroadcastFileError([Problem("", N_("must be a mapping"))])
    problems = [Problem(str(key), N_("unknown field")) for key in data if key not in FIELDS]
    kind = BroadcastKind.text
    try:
        kind = BroadcastKind(data.get("kind", "text"))
    except ValueError:
        problems.append(_choices("kind", BroadcastKind))
    audience, chats, networks = data.get("audience"), data.get("chats"), data.get("networks")
    if (audience is None) == (chats is None):
        problems.append(Problem("audience", N_("give either audience or chats")))
    if audience is not None and audience not in AUDIENCES:
        problems.append(_choices("audience", AUDIENCES))
    if chats is not None and (
        not isinstance(chats, list) or not chats or not all(type(c) is int for c in chats)
    ):
        problems.append(Problem("chats", N_("must be a list of Telegram chat ids (integers)")))
    if networks is not None:
        if not isinstance(networks, list) or not all(isinstance(n, str) for n in networks):
            problems.append(Problem("networks", N_("must be a list of network slugs")))
        elif chats is not None:
            problems.append(Problem("networks", N_("only with audience")))
        problems += unknown_network_errors(networks, known_networks)
    payload = {k: data[k] for k in PAYLOAD_KEYS if k in data}
    if "file" in data:
        file = _file(str(data["file"]), base_dir)
        if file is None:
            problems.append(Problem("file", N_("cannot read {file}"), {"file": data["file"]}))
        else:
            payload["file"] = file
    for flag in FLAGS:
        if flag in data:
            payload[flag] = bool(data[flag])
    try:
        validate_payload(kind, payload)
    except ContentError as exc:
        if "file" not in data or "file" in payload:
            problems.append(Problem.plain(str(exc)))
    if problems:
        raise BroadcastFileError(problems)
    key = str(data["key"]) if data.get("key") else None
    chosen = tuple(networks or ()) if isinstance(networks, list) else ()
    return Definition(kind, payload, audience, tuple(chats or ()), key, chosen)


def _choices(path: str, choices: Iterable[object]) -> Problem:
    listed = ", ".join(str(c) for c in choices)
    return Problem(path, N_("must be one of {choices}"), {"choices": listed})


def _file(value: str, base_dir: Path) -> dict[str, str] | None:
    """{"url": …} or {"path": …}; None when the path is no readable file."""
    if value.startswith(("http://", "https://")):
        return {"url": value}
    path = (base_dir / value).resolve()
    return {"path": str(path)} if path.is_file() else None
