"""A campaign email shows the reader everything it holds (spam filters count hidden text)."""

from __future__ import annotations

from campaigns.email import render_email
from campaigns.messages import StepText


def test_a_campaign_email_hides_no_text_from_the_reader() -> None:
    email = render_email(StepText("Ten days to the Day", ("Organise an activity.",)), "en")
    assert "display:none" not in email.html and "opacity:0" not in email.html
    assert email.preheader == "Organise an activity."  # still the summary the outbox shows
