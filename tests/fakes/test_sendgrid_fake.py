"""The fake SendGrid server refuses what SendGrid documents it refuses (raw client requests)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from python_http_client import exceptions as http_errors
from sendgrid import SendGridAPIClient

from tests.fakes.sendgrid import FakeSendGrid, fake_sendgrid

__all__ = ["fake_sendgrid"]


PLAIN = {"type": "text/plain", "value": "a"}


def body(n: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "personalizations": [{"to": [{"email": f"r{i}@example.org"}]} for i in range(n)],
        "from": {"email": "bulletin@example.org"},
        "subject": "Bulletin",
        "content": [{"type": "text/plain", "value": "hi"}, {"type": "text/html", "value": "<p>"}],
        **extra,
    }


@pytest.fixture
def client(fake_sendgrid: FakeSendGrid) -> Iterator[Any]:
    yield SendGridAPIClient("SG.k", host=fake_sendgrid.url).client


def refused(client: Any, payload: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    with pytest.raises(http_errors.HTTPError) as caught:
        client.mail.send.post(request_body=payload, timeout=10)
    return caught.value.status_code, caught.value.to_dict["errors"]


def test_valid_request_is_accepted_with_a_message_id(
    fake_sendgrid: FakeSendGrid, client: Any
) -> None:
    response = client.mail.send.post(request_body=body(3), timeout=10)

    assert response.status_code == 202
    assert response.body == b""
    assert response.headers["X-Message-Id"] == fake_sendgrid.accepted[0].message_id


def test_thousand_and_one_personalizations_are_refused(
    fake_sendgrid: FakeSendGrid, client: Any
) -> None:
    status, errors = refused(client, body(1001))

    assert status == 400
    assert errors[0]["field"] == "personalizations"
    assert not fake_sendgrid.accepted and len(fake_sendgrid.rejected) == 1


def test_thousand_and_one_recipients_in_one_personalization_are_refused(client: Any) -> None:
    payload = body(1)
    payload["personalizations"][0]["to"] = [{"email": f"r{i}@example.org"} for i in range(1001)]

    status, errors = refused(client, payload)

    assert status == 400 and "1001 recipients" in errors[0]["message"]


def test_an_address_twice_in_any_case_across_personalizations_is_refused(client: Any) -> None:
    payload = body(2)
    payload["personalizations"][1]["bcc"] = [{"email": "R0@Example.ORG"}]

    status, errors = refused(client, payload)

    assert status == 400
    assert "[R0@Example.ORG]" in errors[0]["message"]
    assert errors[0]["field"] == "personalizations.1.bcc.0"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"categories": [f"c{i}" for i in range(11)]}, "categories"),
        ({"categories": ["x" * 256]}, "categories.0"),
        ({"from": {"email": "not-an-address"}}, "from.email"),
        ({"subject": ""}, "subject"),
        ({"custom_args": {"n": 1}}, "custom_args.n"),
        ({"custom_args": {"big": "x" * 10_000}}, "personalizations.0"),
        ({"send_at": int(time.time()) + 73 * 3600}, "send_at"),
        ({"content": [{"type": "text/html", "value": "<p>"}, PLAIN]}, "content"),
    ],
)
def test_documented_limits_are_enforced(client: Any, change: dict[str, Any], field: str) -> None:
    status, errors = refused(client, body(1, **change))

    assert status == 400
    assert errors[0]["field"] == field
    assert set(errors[0]) == {"message", "field", "help"}


def test_missing_sender_and_oversized_substitutions_are_refused(client: Any) -> None:
    no_from = body(1)
    del no_from["from"]
    big_subs = body(1)
    big_subs["personalizations"][0]["substitutions"] = {"-x-": "y" * 10_000}

    assert refused(client, no_from)[0] == 400
    assert refused(client, big_subs)[1][0]["field"] == "personalizations.0"


def test_bearer_none_is_unauthorized(fake_sendgrid: FakeSendGrid) -> None:
    client = SendGridAPIClient(None, host=fake_sendgrid.url).client  # the library's own slip

    status, _ = refused(client, body(1))

    assert status == 401
    assert fake_sendgrid.rejected[0].headers["Authorization"] == "Bearer None"


def test_a_body_of_30_mb_is_too_large(client: Any) -> None:
    payload = body(1)
    payload["content"][1]["value"] = "x" * 30_000_000

    status, _ = refused(client, payload)

    assert status == 413


def test_spec_override_points_at_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from tests.fakes.sendgrid import SPEC_ENV, spec_path

    monkeypatch.setenv(SPEC_ENV, str(tmp_path / "spec.json"))

    assert spec_path() == tmp_path / "spec.json"
