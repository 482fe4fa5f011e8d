"""A transactional email can carry a file (a café's certificate): the .eml has it as an
attachment, the SendGrid request as base64; the chat outbox carries binary files as base64."""

from __future__ import annotations

import base64
import email
import email.policy

from newsletter.subscriptions.mailer import Attachment, TransactionalMessage, to_email_message
from newsletter.subscriptions.sendgrid_mailer import request_body
from outbox.content import inline_bytes

PDF = b"%PDF-1.4 certificate"
MESSAGE = TransactionalMessage(
    to="chloe@lyon.example.fr",
    to_name="Chloé",
    subject="Attestation",
    text="Bonjour",
    html="<p>Bonjour</p>",
    category="certificate",
    attachments=(Attachment("certificate.pdf", "application/pdf", PDF),),
)


def test_the_email_carries_the_pdf_after_its_text_and_html() -> None:
    raw = to_email_message(MESSAGE, "AIVE <bulletin@example.org>").as_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_content_type() == "multipart/mixed"
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "certificate.pdf"
    assert attachment.get_content() == PDF


def test_sendgrid_gets_the_attachment_as_base64() -> None:
    body = request_body(MESSAGE, "AIVE <bulletin@example.org>")
    [attachment] = body["attachments"]
    assert attachment["filename"] == "certificate.pdf" and attachment["type"] == "application/pdf"
    assert base64.b64decode(attachment["content"]) == PDF
    assert "attachments" not in request_body(
        TransactionalMessage("a@b.org", None, "s", "t", "<p>t</p>"), "x@y.org"
    )


def test_inline_files_are_text_or_base64() -> None:
    assert inline_bytes({"data": "BEGIN:VCALENDAR", "filename": "c.ics"}) == b"BEGIN:VCALENDAR"
    encoded = {"data": base64.b64encode(PDF).decode(), "encoding": "base64"}
    assert inline_bytes(encoded) == PDF
