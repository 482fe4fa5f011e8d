"""The confirmation email through SendGrid: what the fake (checked against the spec) receives."""

import logging

import pytest

from newsletter.subscriptions.mailer import MailerError, TransactionalMessage
from newsletter.subscriptions.sendgrid_mailer import SendGridMailer
from tests.fakes.sendgrid import Failure, FakeSendGrid, fake_sendgrid

__all__ = ["fake_sendgrid"]

MESSAGE = TransactionalMessage(
    to="joao@example.pt",
    to_name="João",
    subject="Confirme a sua subscrição",
    text="Confirme: https://aive.example/confirm/abc",
    html='<p><a href="https://aive.example/confirm/abc">Confirmar</a></p>',
)


async def test_the_confirmation_reaches_sendgrid_as_one_valid_request(
    fake_sendgrid: FakeSendGrid, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mailer = SendGridMailer("SG.secret-key", fake_sendgrid.url, "AIVE <bulletin@example.org>")
    await mailer.send(MESSAGE)
    assert len(fake_sendgrid.accepted) == 1 and not fake_sendgrid.rejected
    body = fake_sendgrid.accepted[0].body
    assert body["personalizations"] == [{"to": [{"email": "joao@example.pt", "name": "João"}]}]
    assert body["from"] == {"email": "bulletin@example.org", "name": "AIVE"}
    assert body["categories"] == ["confirmation"]
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
    assert "SG.secret-key" not in caplog.text


@pytest.mark.parametrize("failure", [Failure.SERVER_ERROR, Failure.BAD_REQUEST])
async def test_a_refusal_is_one_clear_error(fake_sendgrid: FakeSendGrid, failure: Failure) -> None:
    fake_sendgrid.fail_next(failure)
    mailer = SendGridMailer("SG.key", fake_sendgrid.url, "AIVE <bulletin@example.org>")
    with pytest.raises(MailerError, match=r"SendGrid refused the email \((500|400)\)"):
        await mailer.send(MESSAGE)


async def test_an_unreachable_sendgrid_is_one_clear_error() -> None:
    mailer = SendGridMailer("SG.key", "http://127.0.0.1:9", "AIVE <bulletin@example.org>")
    with pytest.raises(MailerError, match="SendGrid unreachable"):
        await mailer.send(MESSAGE)
