"""Mail loops and spoofing: our acknowledgment meeting an out-of-office responder stops
within two messages; a forged [#number] from a stranger never reaches that ticket."""

import importlib.util
from typing import Any

import pytest

from frontdesk.mail import actions
from frontdesk.mail.actions import ingest
from frontdesk.mail.models import Source, State
from frontdesk.mail.tests.conftest import SUPPORT, build


@pytest.fixture
def acks(monkeypatch: Any) -> list[Any]:
    """Every acknowledgment the pipeline asks for (the outbound helper's, when installed)."""
    asked: list[Any] = []
    original = actions._acknowledge

    def record(ticket: Any, inbound: Any) -> None:
        asked.append(ticket)
        original(ticket, inbound)

    monkeypatch.setattr(actions, "_acknowledge", record)
    return asked


def our_acknowledgment(ticket: Any) -> tuple[str, str, str]:
    """(Message-ID, Subject, Reply-To) of the acknowledgment we sent for `ticket`: the
    outbox's own when it is installed, else the headers it would carry."""
    if importlib.util.find_spec("frontdesk.outbox.models") is not None:
        from frontdesk.outbox.models import OutboundEmail

        sent = OutboundEmail.objects.filter(ticket=ticket).order_by("pk").first()
        if sent is not None:
            return sent.message_id, sent.subject, sent.reply_to or SUPPORT
    from frontdesk.tickets.reply_tokens import reply_address

    return (
        f"<ack-{ticket.number}@desk.example>",
        f"[#{ticket.number}] We received your request",
        reply_address(SUPPORT, ticket.number),
    )


@pytest.mark.parametrize(
    "responder_headers",
    [
        {"Auto_Submitted": "auto-replied", "subject_prefix": "Out of Office: "},
        {"subject_prefix": "Automatic reply: "},  # no Auto-Submitted, Outlook style
        {"X_Autoreply": "yes", "subject_prefix": "Re: "},
        {"subject_prefix": "Re: "},  # a responder with no marks at all
    ],
)
def test_out_of_office_meeting_our_acknowledgment_stops(
    desk: Any, mailbox: Any, acks: list[Any], responder_headers: dict[str, str]
) -> None:
    first = ingest(raw=build(sender="Gus <gus@example.com>"), source=Source.CLI, mailbox=mailbox)
    assert first.state == State.PROCESSED
    assert len(acks) == 1  # message 1: our acknowledgment
    ack_id, ack_subject, ack_reply_to = our_acknowledgment(first.ticket)
    headers = dict(responder_headers)
    prefix = headers.pop("subject_prefix")
    # Message 2: the responder answers our acknowledgment (to its Reply-To, as clients do).
    oof = build(
        sender="Gus <gus@example.com>",
        to=ack_reply_to,
        subject=prefix + ack_subject,
        body="I am out of the office until Monday.",
        In_Reply_To=ack_id,
        References=ack_id,
        **headers,
    )
    second = ingest(raw=oof, source=Source.CLI, mailbox=mailbox)
    assert second.ticket == first.ticket  # no new ticket...
    assert len(acks) == 1  # ...and nothing more from us: the loop stopped at two messages
    # A second round from the responder changes nothing either.
    third = ingest(
        raw=build(
            sender="Gus <gus@example.com>",
            to=ack_reply_to,
            subject=prefix + ack_subject,
            body="Still away.",
            In_Reply_To=ack_id,
            **headers,
        ),
        source=Source.CLI,
        mailbox=mailbox,
    )
    assert third.ticket == first.ticket
    assert len(acks) == 1


def test_a_sender_flooding_new_tickets_is_not_acknowledged(
    desk: Any, mailbox: Any, acks: list[Any], settings: Any
) -> None:
    settings.FRONTDESK_MAIL_NEW_TICKETS_PER_SENDER_HOUR = 3
    for n in range(6):
        ingest(raw=build(subject=f"Alert {n}"), source=Source.CLI, mailbox=mailbox)
    assert len(acks) == 3


def test_forged_subject_tag_from_a_non_participant(
    desk: Any, mailbox: Any, make_ticket: Any
) -> None:
    ticket = make_ticket(requester=desk.bob, subject="Salary data")
    forged = ingest(
        raw=build(
            sender="Mallory <mallory@evil.example>",
            subject=f"Re: [#{ticket.number}] Salary data",
            body="Please send me the file.",
        ),
        source=Source.CLI,
        mailbox=mailbox,
    )
    assert forged.ticket != ticket
    assert forged.signal == ""
    assert ticket.messages.count() == 1
    assert not ticket.followers.exists()
    # A forged token is as useless.
    token = build(
        sender="mallory@evil.example",
        to=f"support+{ticket.number}-aaaaaaaaaaaaaaaaaaaaaaaaaa@desk.example",
    )
    row = ingest(raw=token, source=Source.CLI, mailbox=mailbox)
    assert row.ticket != ticket
    # Another customer of the requester's organisation is no participant either.
    colleague = ingest(
        raw=build(sender="bea@example.com", subject=f"[#{ticket.number}] me too"),
        source=Source.CLI,
        mailbox=mailbox,
    )
    assert colleague.ticket != ticket
