"""Emails written by triggers and time rules (`send_email`) through `queue_email`."""

from typing import Any

import pytest

from frontdesk.outbox.actions import queue_email
from frontdesk.outbox.choices import AutoSubmitted, OutboundKind
from frontdesk.outbox.models import OutboundEmail
from frontdesk.tickets.reply_tokens import read_reply_token, token_in_address


def test_a_known_template_words_the_mail_and_threads_it(desk: Any, make_ticket: Any) -> None:
    ticket = make_ticket(subject="VPN drops")
    (email,) = queue_email(ticket=ticket, to=[desk.bob.email], template="pending_reminder")
    assert email.to == [desk.bob.email]
    assert email.kind == OutboundKind.NOTIFICATION
    assert email.auto_submitted == AutoSubmitted.AUTO_GENERATED
    assert f"[#{ticket.number}]" in email.subject
    assert "still waiting for your answer" in email.body_text
    assert "VPN drops" in email.body_text
    token = token_in_address(email.reply_to)
    assert token is not None
    assert read_reply_token(token) == ticket.number


def test_an_unknown_template_falls_back_to_the_generic_wording(desk: Any, make_ticket: Any) -> None:
    ticket = make_ticket()
    (email,) = queue_email(ticket=ticket, to=["someone@example.org"], template="no-such-one")
    assert "there is news on ticket" in email.body_text


@pytest.mark.parametrize("address", ["", "noreply@frontdesk.invalid"], ids=["empty", "own"])
def test_own_and_empty_addresses_are_skipped(
    desk: Any, make_ticket: Any, settings: Any, address: str
) -> None:
    settings.DEFAULT_FROM_EMAIL = "noreply@frontdesk.invalid"
    ticket = make_ticket()
    assert queue_email(ticket=ticket, to=[address], template="ticket_update") == []
    assert not OutboundEmail.objects.exists()


def test_inactive_people_get_nothing(desk: Any, make_ticket: Any) -> None:
    ticket = make_ticket()
    desk.bea.is_active = False
    desk.bea.save()
    assert queue_email(ticket=ticket, to=[desk.bea.email], template="ticket_update") == []
