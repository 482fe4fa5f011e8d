"""A fake SendGrid v3 Mail Send server that checks every request against the published spec.

`POST /v3/mail/send` is validated against shared/specs/sendgrid-mail-v3.json (JSON Schema of
the request body, local `$ref`s resolved) and against the limits the spec's prose documents
(recipients, repeated addresses, custom_args and substitution sizes, body size, send_at).
Valid → 202, empty body, `X-Message-Id`; invalid → 400 (401 for a bad key, 413 for a big
body) with SendGrid's error body. Requests are recorded in `accepted` and `rejected`.

`fail_next(Failure…, times=n)` injects provider trouble for the next n requests; `latency`
delays every answer (the request is already taken).

Use `with FakeSendGrid.start_in_thread() as fake:` (the sendgrid client is synchronous; its
own thread serves both sync and async tests) or `async with FakeSendGrid() as fake:` in the
test's loop when the client runs in another thread. The `fake_sendgrid` fixture does the
former and skips when the spec file is missing.
"""

from __future__ import annotations

import asyncio
import copy
import enum
import functools
import json
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

SPEC_ENV = "AIVE_SENDGRID_SPEC"
SPEC_NAME = "sendgrid-mail-v3.json"
MAX_PERSONALIZATIONS = 1000
MAX_RECIPIENTS = 1000
MAX_CUSTOM_ARGS_BYTES = 10_000
MAX_SUBSTITUTIONS_BYTES = 10_000
MAX_BODY_BYTES = 30_000_000
MAX_SEND_AHEAD_S = 72 * 3600
HELP = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html"


def spec_path() -> Path:
    """`$AIVE_SENDGRID_SPEC`, else `<repo>/../shared/specs/sendgrid-mail-v3.json` (or the
    nearest `shared/specs/` further up, for worktrees nested one level deeper)."""
    if env := os.environ.get(SPEC_ENV):
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    candidates = [up / "shared" / "specs" / SPEC_NAME for up in repo.parents]
    return next((c for c in candidates if c.is_file()), candidates[0])


@functools.cache
def request_validator(path: Path) -> Any:
    """A JSON Schema validator for the Mail Send body, from the OpenAPI document at `path`."""
    from jsonschema import Draft202012Validator

    spec = json.loads(path.read_text())
    components = copy.deepcopy(spec["components"])
    body = components["requestBodies"]["PostMailSend"]["content"]["application/json"]["schema"]
    # Spec quirk: it types the top-level `custom_args` as a string, while the API reference
    # and the sendgrid library send an object of strings (as in personalizations). Accept that.
    body["properties"]["custom_args"] = {
        "type": "object",
        "additionalProperties": {"type": "string"},
    }
    schema = {
        "$ref": "#/components/requestBodies/PostMailSend/content/application~1json/schema",
        "components": components,
    }
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


class Failure(enum.Enum):
    RATE_LIMIT = "429"
    SERVER_ERROR = "500"
    BAD_REQUEST = "400"
    TOO_LARGE = "413"
    TIMEOUT = "timeout"  # accepted and recorded, then no answer for `delay` seconds
    DROP = "drop"  # accepted and recorded, then the connection is closed without an answer


@dataclass(frozen=True)
class Injected:
    failure: Failure
    reset_in: int = 2
    delay: float = 5.0
    errors: tuple[dict[str, Any], ...] = ()


@dataclass
class Recorded:
    """One request the fake answered (or, for TIMEOUT/DROP, took and did not answer)."""

    status: int
    headers: dict[str, str]
    body: Any
    message_id: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    injected: Failure | None = None


def error(message: str, field_name: str | None = None, help_anchor: str = "") -> dict[str, Any]:
    return {"message": message, "field": field_name, "help": f"{HELP}{help_anchor}"}


class FakeSendGrid:
    def __init__(self, spec: Path | None = None, *, api_key: str | None = None) -> None:
        self.spec = spec or spec_path()
        self.api_key = api_key  # None: any key except "None"
        self.validator = request_validator(self.spec)
        self.accepted: list[Recorded] = []
        self.rejected: list[Recorded] = []
        self.url = ""
        self._failures: deque[Injected] = deque()
        # seconds between taking a valid request and answering it (SendGrid takes a while to
        # answer a large batch; 0: at once)
        self.latency = 0.0
        self._runner: web.AppRunner | None = None
        self._closing: asyncio.Event | None = None

    # -- failure injection -------------------------------------------------------------------
    def fail_next(
        self,
        failure: Failure,
        times: int = 1,
        *,
        reset_in: int = 2,
        delay: float = 5.0,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        """The next `times` requests meet `failure` (429 resets in `reset_in` seconds; a
        TIMEOUT holds the answer `delay` seconds; BAD_REQUEST answers `errors`)."""
        injected = Injected(failure, reset_in, delay, tuple(errors or ()))
        self._failures.extend([injected] * times)

    # -- running -----------------------------------------------------------------------------
    async def __aenter__(self) -> FakeSendGrid:
        self._closing = asyncio.Event()
        app = web.Application(client_max_size=MAX_BODY_BYTES * 2)
        app.router.add_post("/v3/mail/send", self._mail_send)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._closing is not None:
            self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @classmethod
    @contextmanager
    def start_in_thread(
        cls, spec: Path | None = None, *, api_key: str | None = None
    ) -> Iterator[FakeSendGrid]:
        """Serve from a private event loop in a daemon thread."""
        fake = cls(spec, api_key=api_key)
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="fake-sendgrid", daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(fake.__aenter__(), loop).result(10)
            yield fake
        finally:
            asyncio.run_coroutine_threadsafe(fake.__aexit__(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()

    # -- the endpoint ------------------------------------------------------------------------
    async def _mail_send(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        headers = dict(request.headers)
        injected = self._failures.popleft() if self._failures else None
        if injected and injected.failure not in (Failure.TIMEOUT, Failure.DROP):
            return self._inject(injected, headers, raw)

        auth = request.headers.get("Authorization", "")
        if (
            not auth.startswith("Bearer ")
            or auth in ("Bearer ", "Bearer None")
            or (self.api_key is not None and auth != f"Bearer {self.api_key}")
        ):
            errs = [error("The provided authorization grant is invalid, expired, or revoked")]
            return self._reject(401, headers, raw, errs)
        if len(raw) >= MAX_BODY_BYTES:
            return self._reject(413, headers, None, [error("Request body is too large", None)])
        try:
            body = json.loads(raw)
        except ValueError:
            return self._reject(400, headers, raw, [error("Bad Request", None, "#-Body")])
        if errs := self.check(body):
            return self._reject(400, headers, body, errs)

        message_id = secrets.token_urlsafe(16)[:22]
        self.accepted.append(Recorded(202, headers, body, message_id, injected=None))
        if self.latency:
            await asyncio.sleep(self.latency)
        if injected and injected.failure is Failure.TIMEOUT:
            self.accepted[-1].injected = Failure.TIMEOUT
            assert self._closing is not None
            with suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), injected.delay)
        elif injected and injected.failure is Failure.DROP:
            self.accepted[-1].injected = Failure.DROP
            assert request.transport is not None
            request.transport.abort()
            raise asyncio.CancelledError  # nothing more to write on a dropped connection
        return web.Response(status=202, headers={"X-Message-Id": message_id})

    def _inject(self, injected: Injected, headers: dict[str, str], raw: bytes) -> web.Response:
        extra: dict[str, str] = {}
        if injected.failure is Failure.RATE_LIMIT:
            reset = int(time.time()) + injected.reset_in
            extra = {
                "X-RateLimit-Limit": "600",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(reset),
                "Retry-After": str(injected.reset_in),
            }
            errs = [error("too many requests")]
        elif injected.failure is Failure.SERVER_ERROR:
            errs = [error("An internal server error occurred")]
        elif injected.failure is Failure.TOO_LARGE:
            errs = [error("Request body is too large")]
        else:
            errs = list(injected.errors) or [error("Bad Request")]
        status = int(injected.failure.value)
        self.rejected.append(Recorded(status, headers, raw, errors=errs, injected=injected.failure))
        return web.json_response({"errors": errs}, status=status, headers=extra)

    def _reject(
        self, status: int, headers: dict[str, str], body: Any, errs: list[dict[str, Any]]
    ) -> web.Response:
        self.rejected.append(Recorded(status, headers, body, errors=errs))
        return web.json_response({"errors": errs}, status=status)

    # -- the checks --------------------------------------------------------------------------
    def check(self, body: Any) -> list[dict[str, Any]]:
        """SendGrid-style errors for `body` (empty when it would be accepted)."""
        schema_errors = sorted(self.validator.iter_errors(body), key=lambda e: list(e.path))
        if schema_errors:
            return [
                error(e.message, ".".join(str(p) for p in e.path) or None)
                for e in schema_errors[:10]
            ]
        return check_limits(body, time.time())


def check_limits(body: dict[str, Any], now: float) -> list[dict[str, Any]]:
    """The documented limits the schema does not express."""
    errs: list[dict[str, Any]] = []
    personalizations = body["personalizations"]
    if not personalizations:
        errs.append(error("The personalizations field must have at least one", "personalizations"))
    if len(personalizations) > MAX_PERSONALIZATIONS:
        errs.append(error("too many personalizations (max 1000)", "personalizations"))
    seen: dict[str, str] = {}
    count = 0
    top_args = body.get("custom_args") or {}
    for i, p in enumerate(personalizations):
        for kind in ("to", "cc", "bcc"):
            for j, rcpt in enumerate(p.get(kind) or []):
                count += 1
                key = rcpt["email"].strip().lower()
                where = f"personalizations.{i}.{kind}.{j}"
                if key in seen:
                    errs.append(
                        error(
                            "Each email address in the personalization block should be unique "
                            f"between to, cc, and bcc. We found the first duplicate instance of "
                            f"[{rcpt['email']}] in the {where} field.",
                            where,
                        )
                    )
                seen.setdefault(key, where)
        if "subject" not in p and "subject" not in body and "template_id" not in body:
            errs.append(error("The subject is required", f"personalizations.{i}.subject"))
        args = {**top_args, **(p.get("custom_args") or {})}
        if any(not isinstance(v, str) for v in args.values()):
            errs.append(error("custom_args values must be strings", f"personalizations.{i}"))
        if len(json.dumps(args).encode()) >= MAX_CUSTOM_ARGS_BYTES:
            errs.append(error("custom_args must be less than 10000 bytes", f"personalizations.{i}"))
        subs = p.get("substitutions") or {}
        if sum(len(k.encode()) + len(v.encode()) for k, v in subs.items()) > (
            MAX_SUBSTITUTIONS_BYTES
        ):
            errs.append(error("substitutions may not exceed 10000 bytes", f"personalizations.{i}"))
        if "send_at" in p and p["send_at"] > now + MAX_SEND_AHEAD_S:
            errs.append(
                error("send_at may not be more than 72 hours ahead", f"personalizations.{i}")
            )
    if count > MAX_RECIPIENTS:
        errs.append(error(f"{count} recipients; the limit is 1000", "personalizations"))
    if "send_at" in body and body["send_at"] > now + MAX_SEND_AHEAD_S:
        errs.append(error("send_at may not be more than 72 hours ahead", "send_at"))
    types = [c["type"] for c in body.get("content") or []]
    if "content" not in body and "template_id" not in body:
        errs.append(error("Unless a valid template_id is provided, content is required", "content"))
    if (
        "text/plain" in types
        and "text/html" in types
        and types.index("text/plain") > types.index("text/html")
    ):
        errs.append(error("text/plain must come before text/html", "content"))
    return errs


def require_spec() -> Path:
    """The spec's path, or skip the test saying where it was looked for."""
    path = spec_path()
    if not path.is_file():
        pytest.skip(f"SendGrid spec not found at {path} (set {SPEC_ENV})")
    return path


@pytest.fixture
def fake_sendgrid() -> Iterator[FakeSendGrid]:
    """A running fake in its own thread; skips when the spec file is missing."""
    with FakeSendGrid.start_in_thread(require_spec()) as fake:
        yield fake
