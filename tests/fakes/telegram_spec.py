"""Check Bot API calls against the machine-readable Bot API spec (shared/specs/).

`BotApiSpec.check_call` takes one call as the server received it (form fields are strings, nested
objects JSON-encoded; or a JSON body with native values) and returns the decoded parameters with
every problem found: unknown method, missing or unknown field, wrong type, a length or count
outside the limits the spec states in a field's description ("1-4096 characters",
"1-64 bytes", "list of 1-12 answer options").
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

# Methods newer than the spec's Bot API 10.1 that aiogram 3.31 (Bot API 10.3) can call. Their
# parameters are not checked: the spec does not describe them. Remove an entry once the spec
# in shared/specs/ covers it.
NEWER_METHODS: frozenset[str] = frozenset(
    {
        "deleteEphemeralMessage",
        "editEphemeralMessageCaption",
        "editEphemeralMessageMedia",
        "editEphemeralMessageReplyMarkup",
        "editEphemeralMessageText",
    }
)

# Parameters newer than Bot API 10.1 that aiogram 3.31 models know (ephemeral messages, sent in
# answer to a callback query). Accepted without a type check. Deprecated parameters that aiogram
# still models (reply_to_message_id, disable_web_page_preview, ...) are NOT listed: the product
# must use their replacements (reply_parameters, link_preview_options).
_EPHEMERAL = frozenset({"callback_query_id", "ephemeral_message_parameters", "receiver_user_id"})
NEWER_METHOD_FIELDS: Mapping[str, frozenset[str]] = {
    **{
        method: _EPHEMERAL
        for method in (
            "sendAnimation",
            "sendAudio",
            "sendContact",
            "sendDocument",
            "sendLivePhoto",
            "sendLocation",
            "sendMessage",
            "sendPhoto",
            "sendSticker",
            "sendVenue",
            "sendVideo",
            "sendVideoNote",
            "sendVoice",
        )
    },
    "sendRichMessage": frozenset({"ephemeral_message_parameters"}),
    "sendMessageDraft": frozenset({"keep_on_stop", "can_stop"}),
    "sendRichMessageDraft": frozenset({"keep_on_stop", "can_stop"}),
    "promoteChatMember": frozenset({"can_send_welcome_messages"}),
}
NEWER_TYPE_FIELDS: Mapping[str, frozenset[str]] = {
    "InlineKeyboardButton": frozenset({"disabled"}),
    "BotCommand": frozenset({"is_ephemeral"}),
    "ReplyParameters": frozenset({"ephemeral_message_id"}),
    "ChatAdministratorRights": frozenset({"can_send_welcome_messages"}),
    "BusinessBotRights": frozenset({"can_delete_outgoing_messages"}),
}

# An inline button needs exactly one action besides these presentation fields (the spec says so
# in prose: "Exactly one of the fields other than text, icon_custom_emoji_id, and style").
_BUTTON_LOOKS = frozenset({"text", "icon_custom_emoji_id", "style", "disabled"})

_TEXT_LIMIT = re.compile(r"(\d+)-(\d+) (characters|bytes)", re.IGNORECASE)
_COUNT_LIMIT = re.compile(r"(?:list of|include) (\d+)-(\d+)\b")
_VALUE_LIMIT = re.compile(r"Values between (\d+)-(\d+)")
_INTEGER = re.compile(r"-?\d+")
_HTML_TAG = re.compile(r"<[^>]*>")
_ATTACH = "attach://"
_ATTACH_REF = re.compile(r"attach://([\w-]+)")


class _Mismatch(Exception):
    """A value does not have the expected type (message says how)."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool
    description: str

    @cached_property
    def text_limit(self) -> tuple[int, int, str] | None:
        match = _TEXT_LIMIT.search(self.description)
        if match is None or "String" not in self.types:
            return None
        return int(match[1]), int(match[2]), match[3].lower()

    @cached_property
    def count_limit(self) -> tuple[int, int] | None:
        match = _COUNT_LIMIT.search(self.description)
        if match is None or not any(t.startswith("Array of") for t in self.types):
            return None
        return int(match[1]), int(match[2])

    @cached_property
    def value_limit(self) -> tuple[int, int] | None:
        match = _VALUE_LIMIT.search(self.description)
        return (int(match[1]), int(match[2])) if match and "Integer" in self.types else None


@dataclass(frozen=True)
class ObjectSpec:
    """A method's parameters or a type's fields."""

    name: str
    fields: dict[str, FieldSpec]
    subtypes: tuple[str, ...] = ()


@dataclass
class CallCheck:
    """The decoded parameters of one call and the problems found in it."""

    method: str
    params: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    known_method: bool = True


def _fields(raw: Mapping[str, Any]) -> dict[str, FieldSpec]:
    return {
        f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"]), f["description"])
        for f in raw.get("fields", [])
    }


class BotApiSpec:
    """The methods and types of one Bot API version, loaded from the spec's JSON file."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = data["version"]
        self.methods = {
            name.lower(): ObjectSpec(name, _fields(m)) for name, m in data["methods"].items()
        }
        self._returns = {name: m.get("returns", []) for name, m in data["methods"].items()}
        self.types = {
            name: ObjectSpec(name, _fields(t), tuple(t.get("subtypes", [])))
            for name, t in data["types"].items()
        }

    @classmethod
    def load(cls, path: Path) -> BotApiSpec:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def canonical_name(self, method: str) -> str | None:
        """The spec's spelling of a method (Telegram matches names case-insensitively)."""
        if spec := self.methods.get(method.lower()):
            return spec.name
        return next((m for m in NEWER_METHODS if m.lower() == method.lower()), None)

    def check_call(
        self, method: str, params: Mapping[str, Any], files: Mapping[str, Any], *, form: bool
    ) -> CallCheck:
        """Decode and check one call; `form` says the values are strings (form or multipart).

        `files` are the uploaded parts by field name; a parameter may name one as
        `attach://<name>` or be uploaded under its own name.
        """
        name = self.canonical_name(method)
        if name is None:
            return CallCheck(method, dict(params), [f"method {method} not found"], False)
        check = CallCheck(name)
        spec = self.methods.get(name.lower())
        if spec is None:  # allow-listed newer method: not described by the spec
            check.params = dict(params)
            return check
        newer = NEWER_METHOD_FIELDS.get(name, frozenset())
        for key, raw in params.items():
            if key in newer:
                check.params[key] = raw
            elif (fspec := spec.fields.get(key)) is None:
                check.problems.append(f"unknown parameter {key!r} for {name}")
            else:
                try:
                    check.params[key] = self._decode_top(fspec, raw, files, form=form)
                except _Mismatch as error:
                    check.problems.append(f"{key}: {error}")
        for key, upload in files.items():
            if key in spec.fields and key not in params:
                if "InputFile" not in spec.fields[key].types:
                    check.problems.append(f"{key}: a file was uploaded but {key} takes no file")
                check.params[key] = upload
        given = set(params) | set(check.params)
        missing = [f.name for f in spec.fields.values() if f.required and f.name not in given]
        check.problems += [f"required parameter {key!r} is missing" for key in missing]
        named = set(_ATTACH_REF.findall(json.dumps(dict(params), default=str)))
        named |= {k for k in files if k in spec.fields and k not in params}
        check.problems += [
            f"attach://{k} names no uploaded file" for k in sorted(named - set(files))
        ]
        check.problems += [
            f"uploaded file part {k!r} is not used" for k in sorted(set(files) - named)
        ]
        check.problems += self._limits(spec, check.params, path="")
        return check

    def check_value(self, types: tuple[str, ...], value: Any) -> list[str]:
        """Problems of a JSON value against spec types, e.g. ("Message", "True") or ("Update",)."""
        try:
            self._check_json(types, value, "")
        except _Mismatch as error:
            return [str(error)]
        return []

    def returns(self, method: str) -> tuple[str, ...]:
        """What a method returns, as spec types; () for an allow-listed newer method."""
        spec = self.methods.get(method.lower())
        return tuple(self._returns.get(spec.name, ())) if spec else ()

    # Decoding -----------------------------------------------------------------------------

    def _decode_top(
        self, fspec: FieldSpec, raw: Any, files: Mapping[str, Any], *, form: bool
    ) -> Any:
        if not form:
            return self._check_json(fspec.types, raw, fspec.name)
        if not isinstance(raw, str):
            raise _Mismatch(f"expected a string form value, got {type(raw).__name__}")
        errors = []
        for type_name in fspec.types:
            try:
                return self._decode_form_value(type_name, raw, files)
            except _Mismatch as error:
                errors.append(str(error))
        raise _Mismatch(" or ".join(dict.fromkeys(errors)))

    def _decode_form_value(self, type_name: str, raw: str, files: Mapping[str, Any]) -> Any:
        if type_name == "String":
            return raw
        if type_name == "Integer":
            if not _INTEGER.fullmatch(raw):
                raise _Mismatch(f"expected Integer, got {raw[:40]!r}")
            return int(raw)
        if type_name == "Float":
            try:
                return float(raw)
            except ValueError:
                raise _Mismatch(f"expected Float, got {raw[:40]!r}") from None
        if type_name in ("Boolean", "True"):
            if raw.lower() not in ("true", "false") or (type_name == "True" and raw != "true"):
                raise _Mismatch(f"expected {type_name}, got {raw[:40]!r}")
            return raw.lower() == "true"
        if type_name == "InputFile":
            if raw.startswith(_ATTACH) and raw[len(_ATTACH) :] in files:
                return files[raw[len(_ATTACH) :]]
            raise _Mismatch(f"expected InputFile (attach://<part>), got {raw[:40]!r}")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            raise _Mismatch(f"expected JSON-serialized {type_name}, got {raw[:40]!r}") from None
        return self._check_json((type_name,), value, "")

    def _check_json(self, types: tuple[str, ...], value: Any, path: str) -> Any:
        errors: list[str] = []
        for type_name in types:
            try:
                return self._check_json_type(type_name, value, path)
            except _Mismatch as error:
                errors.append(str(error))
        raise _Mismatch(" / ".join(dict.fromkeys(errors)))

    def _check_json_type(self, type_name: str, value: Any, path: str) -> Any:
        where = f" at {path}" if path else ""
        scalar = {"String": str, "Float": (int, float), "Boolean": bool, "True": bool}
        if type_name == "Integer":
            if isinstance(value, bool) or not isinstance(value, int):
                raise _Mismatch(f"expected Integer{where}, got {value!r:.40}")
            return value
        if type_name in scalar:
            ok = isinstance(value, scalar[type_name]) and not (
                type_name == "Float" and isinstance(value, bool)
            )
            if not ok or (type_name == "True" and value is not True):
                raise _Mismatch(f"expected {type_name}{where}, got {value!r:.40}")
            return value
        if type_name == "InputFile":
            if isinstance(value, str) and value.startswith(_ATTACH):
                return value
            raise _Mismatch(f"expected InputFile (attach://<part>){where}")
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                raise _Mismatch(f"expected {type_name}{where}, got {type(value).__name__}")
            item_type = type_name.removeprefix("Array of ")
            return [self._check_json((item_type,), v, f"{path}[{i}]") for i, v in enumerate(value)]
        return self._check_object(type_name, value, path)

    def _check_object(self, type_name: str, value: Any, path: str) -> Any:
        spec = self.types.get(type_name)
        if spec is None:
            raise _Mismatch(f"unknown type {type_name}{' at ' + path if path else ''}")
        if not isinstance(value, dict):
            raise _Mismatch(f"expected {type_name} object at {path or 'top'}, got {value!r:.40}")
        if spec.subtypes:
            return self._check_json(spec.subtypes, value, path)
        newer = NEWER_TYPE_FIELDS.get(type_name, frozenset())
        problems = [
            f"unknown field {key!r} in {type_name}{' at ' + path if path else ''}"
            for key in value
            if key not in spec.fields and key not in newer
        ]
        problems += [
            f"{type_name} needs field {f.name!r}{' at ' + path if path else ''}"
            for f in spec.fields.values()
            if f.required and f.name not in value
        ]
        if problems:
            raise _Mismatch("; ".join(problems))
        for key, item in value.items():
            if key in spec.fields:
                self._check_json(spec.fields[key].types, item, f"{path}.{key}".lstrip("."))
        return value

    # Limits and references -----------------------------------------------------------------

    def _limits(self, spec: ObjectSpec, obj: Mapping[str, Any], path: str) -> list[str]:
        """Length and count limits, then the same inside nested objects the spec describes."""
        problems: list[str] = []
        for key, value in obj.items():
            fspec = spec.fields.get(key)
            if fspec is None:
                continue
            where = f"{path}.{key}".lstrip(".")
            problems += _field_limits(spec, fspec, obj, value, where)
            problems += self._nested_limits(fspec.types, value, where)
        if spec.name == "InlineKeyboardButton":
            actions = [k for k in obj if k not in _BUTTON_LOOKS]
            if len(actions) != 1:
                problems.append(
                    f"{path}: an inline keyboard button needs exactly one action "
                    f"(callback_data, url, ...), got {actions or 'none'}"
                )
        return problems

    def _nested_limits(self, types: tuple[str, ...], value: Any, path: str) -> list[str]:
        if isinstance(value, list):
            items = [t.removeprefix("Array of ") for t in types if t.startswith("Array of ")]
            return [
                p
                for i, v in enumerate(value)
                for p in self._nested_limits(tuple(items), v, f"{path}[{i}]")
            ]
        if not isinstance(value, dict):
            return []
        for type_name in types:
            spec = self.types.get(type_name)
            if spec is None:
                continue
            if spec.subtypes:
                return self._nested_limits(spec.subtypes, value, path)
            if all(k in spec.fields or k in NEWER_TYPE_FIELDS.get(spec.name, ()) for k in value):
                return self._limits(spec, value, path)
        return []


def _field_limits(
    spec: ObjectSpec, fspec: FieldSpec, obj: Mapping[str, Any], value: Any, where: str
) -> list[str]:
    if fspec.text_limit and isinstance(value, str):
        low, high, unit = fspec.text_limit
        size = (
            len(value.encode()) if unit == "bytes" else len(_visible_text(spec, fspec, obj, value))
        )
        if not low <= size <= high:
            return [f"{where} must be {low}-{high} {unit}, got {size}"]
    if fspec.count_limit and isinstance(value, list):
        low, high = fspec.count_limit
        if not low <= len(value) <= high:
            return [f"{where} must have {low}-{high} items, got {len(value)}"]
    if fspec.value_limit and isinstance(value, int):
        low, high = fspec.value_limit
        if not low <= value <= high:
            return [f"{where} must be between {low} and {high}, got {value}"]
    return []


def _visible_text(spec: ObjectSpec, fspec: FieldSpec, obj: Mapping[str, Any], text: str) -> str:
    """The text a user sees: HTML tags and entities count as what they render to."""
    mode_field = f"{fspec.name}_parse_mode"
    mode = obj.get(mode_field if mode_field in spec.fields else "parse_mode")
    if isinstance(mode, str) and mode.upper() == "HTML":
        return html.unescape(_HTML_TAG.sub("", text))
    return text
