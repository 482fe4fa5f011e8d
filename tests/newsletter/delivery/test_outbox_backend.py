"""The file outbox writes what SendGrid would deliver, one .eml per delivery."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from newsletter.delivery.backend import OutgoingRecipient
from newsletter.delivery.batching import EditionMessage, build_batch
from newsletter.delivery.errors import InvalidBatch, TransientError
from newsletter.delivery.limits import DUPLICATE_ADDRESS, UNSENDABLE_ADDRESS
from newsletter.delivery.outbox_backend import OutboxBackend, eml_name
from tests.newsletter.delivery.conftest import make_batch, make_recipient

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def read(path: Path) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    return message


def body_of(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


async def test_each_recipient_gets_a_complete_message_file(tmp_path: Path) -> None:
    batch = make_batch([make_recipient(0, name="Tom & <Jerry>"), make_recipient(1, name="")])

    result = await OutboxBackend(tmp_path, clock=lambda: NOW).send_batch(batch)

    assert result.accepted == (1000, 1001) and result.message_id is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["delivery-1000.eml", "delivery-1001.eml"]
    tom = read(tmp_path / eml_name(1000))
    assert tom.get_content_type() == "multipart/alternative"
    assert tom["From"] == "AIVE <bulletin@example.org>"
    assert tom["To"].addresses[0].addr_spec == "reader0@example.org"
    assert tom["Subject"] == "Bulletin for Tom & <Jerry>"
    assert tom["Date"].datetime == NOW
    assert tom["Message-ID"] == "<delivery-1000.e42@example.org>"
    assert tom["List-Unsubscribe"] == "<https://aive.example/unsubscribe/tok0>"
    assert tom["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert tom["X-AIVE-Arg-delivery_id"] == "1000"
    text = body_of(tom, "plain")
    assert "Hello Tom & <Jerry>" in text
    assert "Unsubscribe: https://aive.example/unsubscribe/tok0" in text
    html = body_of(tom, "html")
    assert "Hello Tom &amp; &lt;Jerry&gt;" in html
    assert 'href="https://aive.example/preferences/tok0"' in html
    assert "[[aive:" not in text + html + tom["Subject"]
    assert "Hello reader" in body_of(read(tmp_path / eml_name(1001)), "plain")


async def test_sending_the_same_delivery_again_overwrites_its_file(tmp_path: Path) -> None:
    outbox = OutboxBackend(tmp_path)
    await outbox.send_batch(make_batch(3))

    await outbox.send_batch(make_batch(3, subject="Corrected bulletin"))

    files = sorted(tmp_path.iterdir())
    assert len(files) == 3, "no duplicates and no temporary files left behind"
    assert all(read(f)["Subject"] == "Corrected bulletin" for f in files)


async def test_a_repeated_address_gets_one_file(tmp_path: Path) -> None:
    twins = [make_recipient(0, email="a@example.org"), make_recipient(1, email="A@example.org")]
    batch = make_batch(twins)

    result = await OutboxBackend(tmp_path).send_batch(batch)

    assert [p.name for p in tmp_path.iterdir()] == ["delivery-1000.eml"]
    assert [(s.delivery_id, s.reason) for s in result.skipped] == [(1001, DUPLICATE_ADDRESS)]


async def test_the_outbox_refuses_what_sendgrid_would(tmp_path: Path) -> None:
    with pytest.raises(InvalidBatch):
        await OutboxBackend(tmp_path).send_batch(make_batch(1001))

    assert list(tmp_path.iterdir()) == []


async def test_an_unwritable_outbox_is_a_transient_error(tmp_path: Path) -> None:
    blocker = tmp_path / "outbox"
    blocker.write_text("a file where the directory should be")

    with pytest.raises(TransientError, match="cannot write to the outbox"):
        await OutboxBackend(blocker).send_batch(make_batch(1))


async def test_a_header_injection_attempt_in_a_name_is_skipped(tmp_path: Path) -> None:
    batch = make_batch([make_recipient(0, name="Eve\r\nBcc: all@example.org"), make_recipient(1)])

    result = await OutboxBackend(tmp_path).send_batch(batch)

    assert result.accepted == (1001,)
    assert [s.delivery_id for s in result.skipped] == [1000]


async def test_body_lines_stay_within_76_characters_as_rfc_2045_asks(tmp_path: Path) -> None:
    """MJML writes long HTML lines; quoted-printable lines of 998 cost spam points."""
    html = "<table><tr><td>" + "Cidades educadoras · Ciutats " * 80 + "</td></tr></table>"
    batch = make_batch([make_recipient(0)], html=html, text="Olá " * 400)
    await OutboxBackend(tmp_path, clock=lambda: NOW).send_batch(batch)

    data = (tmp_path / eml_name(1000)).read_bytes()
    body = data.split(b"\r\n\r\n", 1)[1]
    assert max(len(line) for line in body.split(b"\r\n")) <= 76
    assert body_of(read(tmp_path / eml_name(1000)), "html").rstrip() == html


async def test_a_real_length_unsubscribe_link_stays_a_plain_header_line(tmp_path: Path) -> None:
    """Mail clients read List-Unsubscribe as written: it must not become an RFC 2047 word."""
    token = "17.bmF0aGFuYWVsQGV4YW1wbGUub3Jn.x3Ht1cT7Q0bYq2k8v0p6Lw-ZkA"
    link = f"https://comms.edcities.example/unsubscribe/{token}"
    recipient = OutgoingRecipient(
        delivery_id=7,
        subscriber_id=7,
        email="joao@example.pt",
        name="João",
        unsubscribe_url=link,
        preferences_url=link.replace("unsubscribe", "preferences"),
    )
    await OutboxBackend(tmp_path, clock=lambda: NOW).send_batch(make_batch([recipient]))

    lines = (tmp_path / eml_name(7)).read_bytes().splitlines()
    header = [line for line in lines if line.startswith(b"List-Unsubscribe:")]
    assert header == [f"List-Unsubscribe: <{link}>".encode()]


async def test_one_unsendable_address_fails_alone_and_idn_domains_are_encoded(
    tmp_path: Path,
) -> None:
    batch = make_batch(
        [
            make_recipient(0),
            make_recipient(1, email="user@exämple.org"),  # stored in Unicode by the validator
            make_recipient(2, email="josé@example.org"),  # from before the refusal at subscription
            make_recipient(3),
        ]
    )

    result = await OutboxBackend(tmp_path, clock=lambda: NOW).send_batch(batch)

    assert result.accepted == (1000, 1001, 1003)
    assert [(s.delivery_id, s.reason) for s in result.skipped] == [(1002, UNSENDABLE_ADDRESS)]
    idn = read(tmp_path / eml_name(1001))
    assert idn["To"].addresses[0].addr_spec == "user@xn--exmple-cua.org"


async def test_a_bulletin_names_its_list_so_mail_clients_can_filter_it(tmp_path: Path) -> None:
    message = EditionMessage(
        edition_id=42,
        mail_from="AIVE <bulletin@example.org>",
        subject="Bulletin",
        html="<p>Hello</p>",
        text="Hello",
        series="global",
        language="pt",
    )
    batch = build_batch(message, [], lambda r: ("", ""))
    assert batch.headers["List-Id"] == "<global.pt.example.org>"  # RFC 2919
    await OutboxBackend(tmp_path, clock=lambda: NOW).send_batch(
        replace(batch, recipients=(make_recipient(0),))
    )
    assert read(tmp_path / eml_name(1000))["List-Id"] == "<global.pt.example.org>"
