"""The Mail Send body is built as plain dicts: it must be exactly what the sendgrid library's
helper objects produce for the same batch (the reference below is the former builder)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

import pytest
from sendgrid.helpers.mail import (
    Category,
    CustomArg,
    From,
    Header,
    HtmlContent,
    Mail,
    Personalization,
    PlainTextContent,
    SendAt,
    Subject,
    Substitution,
    To,
)
from sendgrid.helpers.mail.exceptions import ApiKeyIncludedException

from newsletter.delivery.backend import ONE_CLICK, OutgoingBatch, OutgoingRecipient
from newsletter.delivery.limits import (
    MAX_BODY_BYTES,
    custom_args_for,
    json_size_bound,
    plan_batch,
)
from newsletter.delivery.sendgrid_backend import build_body
from tests.newsletter.delivery.conftest import make_batch, make_recipient

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def helpers_body(batch: OutgoingBatch) -> dict[str, object]:
    """The body as the sendgrid library's helpers build it (one object per field)."""
    recipients = plan_batch(batch, NOW).recipients
    name, address = parseaddr(batch.mail_from)
    mail = Mail(from_email=From(address, name or None), subject=Subject(batch.subject))
    mail.add_content(PlainTextContent(batch.text))
    mail.add_content(HtmlContent(batch.html))
    mail.add_category(Category(batch.category))
    for key, value in batch.headers.items():
        mail.add_header(Header(key, value))
    if batch.send_at is not None:
        mail.send_at = SendAt(int(batch.send_at.timestamp()))
    for index, recipient in enumerate(recipients):
        mail.add_personalization(_personalization(batch, recipient), index=index)
    return dict(mail.get())


def _personalization(batch: OutgoingBatch, recipient: OutgoingRecipient) -> Personalization:
    p = Personalization()
    p.add_to(To(recipient.email.strip(), recipient.name or None))
    for key, value in recipient.substitutions(batch.name_fallback).items():
        p.add_substitution(Substitution(key, value))
    p.add_header(Header("List-Unsubscribe", recipient.list_unsubscribe_header))
    p.add_header(Header("List-Unsubscribe-Post", ONE_CLICK))
    for key, value in custom_args_for(batch, recipient).items():
        p.add_custom_arg(CustomArg(key, value))
    return p


def our_body(batch: OutgoingBatch) -> tuple[dict[str, object], int]:
    return build_body(batch, plan_batch(batch, NOW))


BATCHES = {
    "a thousand readers": make_batch(1000),
    "names to escape, none, unicode, an address with spaces around": make_batch(
        [
            make_recipient(0, name="Tom & <Jerry> \"'"),
            make_recipient(1, name=""),
            make_recipient(2, name="Zoë Ñúñez 日本 😀"),
            make_recipient(3, email="  Ana@Example.org "),
            make_recipient(4, email="x@example.org"),  # repeats nobody: kept
        ]
    ),
    "a sender without a display name, headers, send_at, extra custom args": make_batch(
        5,
        mail_from="bulletin@example.org",
        headers={"X-Campaign": "day-2026", "Reply-To": "desk@example.org"},
        send_at=NOW + timedelta(hours=2),
        custom_args={"series": "global", "edition_id": "overridden", "n": 7},
        edition_id=99,
        name_fallback="amiga",
    ),
    "a custom List-Unsubscribe with a mailto": make_batch(
        [
            OutgoingRecipient(
                delivery_id=1,
                subscriber_id=2,
                email="r@example.org",
                name=None,
                unsubscribe_url="https://aive.example/u/t",
                preferences_url="https://aive.example/p/t",
                list_unsubscribe="<mailto:u@example.org>, <https://aive.example/u/t>",
            )
        ],
        subject="Ça commence — «bulletin»",
        html='<p>\u2028 \x00 \\ "</p>',
    ),
}


@pytest.mark.parametrize("batch", BATCHES.values(), ids=BATCHES.keys())
def test_the_body_is_exactly_what_the_library_helpers_build(batch: OutgoingBatch) -> None:
    body, _ = our_body(batch)

    assert body == helpers_body(batch)
    # same keys in the same order, so the very same bytes on the wire
    assert json.dumps(body) == json.dumps(helpers_body(batch))


@pytest.mark.parametrize("batch", BATCHES.values(), ids=BATCHES.keys())
def test_the_size_bound_is_never_below_the_real_size(batch: OutgoingBatch) -> None:
    body, bound = our_body(batch)

    assert bound >= len(json.dumps(body).encode())


def test_the_size_bound_holds_for_text_that_escapes_worst() -> None:
    worst = '😀\x01"\\'
    for text in (worst * 1000, "a" * 10, ""):
        assert json_size_bound(len(text), 1) >= len(json.dumps(text).encode())
    batch = make_batch(
        [make_recipient(i, name=worst * 20) for i in range(3)], html=f"<p>{worst * 500}</p>"
    )
    body, bound = our_body(batch)
    assert bound >= len(json.dumps(body).encode())


def test_a_message_quoting_an_api_key_is_refused_like_the_library_does() -> None:
    # the library's check: a part that starts with a key
    batch = make_batch(1, html="SG.abcdefghij.klmnopqrst <p>Hello</p>")
    with pytest.raises(ApiKeyIncludedException):
        helpers_body(batch)
    with pytest.raises(ApiKeyIncludedException):
        our_body(batch)


async def test_a_body_over_30_mb_is_refused_before_sending() -> None:
    from newsletter.delivery.errors import InvalidBatch
    from newsletter.delivery.sendgrid_backend import SendGridBackend

    # an unreachable host: the refusal must come before any request
    backend = SendGridBackend("SG.k", host="http://127.0.0.1:9", timeout=1)
    huge = make_batch(2, html="<p>" + "x" * MAX_BODY_BYTES + "</p>")

    with pytest.raises(InvalidBatch, match="under 30 MB"):
        await backend.send_batch(huge)


def test_sendgrid_gets_idn_domains_in_ascii_and_never_an_unsendable_address() -> None:
    batch = make_batch(
        [
            make_recipient(0, email="user@exämple.org"),
            make_recipient(1, email="josé@example.org"),
            make_recipient(2),
        ]
    )
    plan = plan_batch(batch, NOW)
    body, _ = build_body(batch, plan)

    sent = [p["to"][0]["email"] for p in body["personalizations"]]
    assert sent == ["user@xn--exmple-cua.org", "reader2@example.org"]
    assert [s.delivery_id for s in plan.skipped] == [1001]
