"""The pipeline end to end on built messages: new tickets, replies, filters, dedupe."""

from typing import Any

import pytest

from frontdesk.mail.actions import ingest as _ingest
from frontdesk.mail.models import InboundMessage, Source, State
from frontdesk.mail.tests.conftest import SUPPORT
from frontdesk.tickets.models import Message, Ticket
from frontdesk.tickets.reply_tokens import reply_address


def ingest(**kwargs: Any) -> Any:
    return _ingest(**kwargs)


def test_new_mail_becomes_a_ticket(desk: Any, mailbox: Any, make_mail: Any) -> None:
    row = ingest(raw=make_mail(), source=Source.CLI, mailbox=mailbox)
    assert row.state == State.PROCESSED, (row.reason, row.detail)
    ticket = row.ticket
    assert ticket.requester == desk.bob
    assert ticket.channel == "email"
    assert ticket.team == desk.support
    assert row.ticket_message.email_message_id == row.message_id
    assert row.signal == ""


def test_the_same_bytes_twice_give_one_message(desk: Any, mailbox: Any, make_mail: Any) -> None:
    raw = make_mail()
    first = ingest(raw=raw, source=Source.CLI, mailbox=mailbox)
    again = ingest(raw=raw, source=Source.IMAP, mailbox=mailbox)
    assert again.pk == first.pk
    assert Ticket.objects.count() == 1


def test_the_same_message_id_by_two_paths_gives_one_message(
    desk: Any, mailbox: Any, make_mail: Any
) -> None:
    first = ingest(raw=make_mail(message_id="<same@x>"), source=Source.CLI, mailbox=mailbox)
    second = ingest(
        raw=b"Received: by relay\r\n" + make_mail(message_id="<same@x>"),
        source=Source.WEBHOOK,
        mailbox=mailbox,
    )
    assert first.state == State.PROCESSED
    assert (second.state, second.reason) == (State.IGNORED, "duplicate")
    assert Message.objects.count() == 1


def test_reply_threads_by_in_reply_to(desk: Any, mailbox: Any, make_mail: Any) -> None:
    first = ingest(raw=make_mail(message_id="<a@x>"), source=Source.CLI, mailbox=mailbox)
    reply = ingest(
        raw=make_mail(subject="Re: Printer on fire", body="Still smoking.", In_Reply_To="<a@x>"),
        source=Source.CLI,
        mailbox=mailbox,
    )
    assert reply.ticket == first.ticket
    assert reply.signal == "in_reply_to"
    assert reply.ticket_message.kind == "reply"
    assert reply.ticket_message.is_public


def test_reply_token_wins(desk: Any, mailbox: Any, make_ticket: Any, make_mail: Any) -> None:
    ticket = make_ticket()
    row = ingest(
        raw=make_mail(to=reply_address(SUPPORT, ticket.number), subject="hello"),
        source=Source.CLI,
        mailbox=mailbox,
    )
    assert (row.ticket, row.signal) == (ticket, "reply_token")


def test_forged_subject_tag_from_a_stranger_opens_a_new_ticket(
    desk: Any, mailbox: Any, make_ticket: Any, make_mail: Any
) -> None:
    ticket = make_ticket(requester=desk.bob)
    row = ingest(
        raw=make_mail(sender="mallory@evil.example", subject=f"Re: [#{ticket.number}] hi"),
        source=Source.CLI,
        mailbox=mailbox,
    )
    assert row.ticket != ticket
    assert ticket.messages.count() == 1


def test_subject_tag_from_the_requester_threads(
    desk: Any, mailbox: Any, make_ticket: Any, make_mail: Any
) -> None:
    ticket = make_ticket(requester=desk.bob)
    row = ingest(
        raw=make_mail(subject=f"Re: [#{ticket.number}] hi"), source=Source.CLI, mailbox=mailbox
    )
    assert (row.ticket, row.signal) == (ticket, "subject_tag")


def test_stranger_with_a_genuine_token_becomes_a_note_for_review(
    desk: Any, mailbox: Any, make_ticket: Any, make_mail: Any
) -> None:
    ticket = make_ticket(requester=desk.bob)
    row = ingest(
        raw=make_mail(sender="eve@elsewhere.example", to=reply_address(SUPPORT, ticket.number)),
        source=Source.CLI,
        mailbox=mailbox,
    )
    assert row.ticket == ticket
    assert row.needs_review
    assert row.ticket_message.kind == "note"
    assert not row.ticket_message.is_public


def test_auto_reply_on_a_ticket_is_a_note_and_alone_is_ignored(
    desk: Any, mailbox: Any, make_mail: Any
) -> None:
    first = ingest(raw=make_mail(message_id="<t@x>"), source=Source.CLI, mailbox=mailbox)
    auto = ingest(
        raw=make_mail(subject="Out of office", In_Reply_To="<t@x>", Auto_Submitted="auto-replied"),
        source=Source.CLI,
        mailbox=mailbox,
    )
    assert auto.ticket == first.ticket
    assert auto.ticket_message.kind == "note"
    alone = ingest(raw=make_mail(subject="Automatic reply: hi"), source=Source.CLI, mailbox=mailbox)
    assert (alone.state, alone.reason) == (State.IGNORED, "auto_reply")


def test_mail_from_our_own_address_is_a_loop(desk: Any, mailbox: Any, make_mail: Any) -> None:
    row = ingest(raw=make_mail(sender=SUPPORT), source=Source.CLI, mailbox=mailbox)
    assert (row.state, row.reason) == (State.IGNORED, "loop")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"Subject: no sender\r\n\r\nbody\r\n", "no_sender"),
    ],
)
def test_unprocessable_mail_is_quarantined(
    desk: Any, mailbox: Any, raw: bytes, reason: str
) -> None:
    if not raw:
        raw = b"\r\n"
    row = ingest(raw=raw, source=Source.CLI, mailbox=mailbox)
    assert row.state == State.QUARANTINED
    assert row.reason == reason
    assert InboundMessage.objects.count() == 1


def test_a_failure_while_processing_keeps_the_message_quarantined_and_nothing_half_done(
    desk: Any, mailbox: Any, make_mail: Any, monkeypatch: Any
) -> None:
    from frontdesk.mail import actions

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(actions, "create_ticket", broken)
    row = ingest(raw=make_mail(subject="Kept"), source=Source.CLI, mailbox=mailbox)
    assert (row.state, row.reason, row.detail) == (
        State.QUARANTINED,
        "internal_error",
        "RuntimeError",
    )
    assert row.ticket is None
    assert row.applied_key is None
    assert (row.subject, row.from_address) == ("Kept", "bob@example.com")
    assert not Ticket.objects.exists()
    monkeypatch.undo()
    retried = actions.retry_inbound(actor=desk.carol, inbound_id=row.pk)
    assert retried.state == State.PROCESSED
    assert retried.attempts == 2
