"""Outbound email against a real SMTP peer (aiosmtpd on loopback, STARTTLS with a CA made at
test time): headers, threading, attachments, retries, permanent failures, certificates."""

import io
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import Desk
from django.db import connection
from django.test import Client

from frontdesk.core import clock
from frontdesk.mail.models import Mailbox, Security
from frontdesk.outbox import actions as outbox
from frontdesk.outbox.models import OutboundEmail
from frontdesk.outbox.sending import send_due
from frontdesk.outbox.tests.smtp_peer import CREDENTIALS, HOST, Peer, smtp_peer
from frontdesk.tickets import actions
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Message, Ticket
from frontdesk.tickets.reply_tokens import reply_address

ORIGIN = Origin()


@pytest.fixture
def peer() -> Iterator[Peer]:
    with smtp_peer() as running:
        yield running


@pytest.fixture
def mailbox(peer: Peer, settings: Any, db: Any) -> Mailbox:
    now = clock.now()
    box = Mailbox.objects.create(
        address="support@desk.example",
        display_name="Acme Support",
        smtp_host=HOST,
        smtp_port=peer.port,
        smtp_security=Security.STARTTLS,
        smtp_ca_cert=peer.certificates.ca_pem,
        created_at=now,
        updated_at=now,
    )
    settings.FRONTDESK_OUTBOUND_MAILBOX = box.address
    return box


def _email_ticket(make_ticket: Callable[..., Ticket]) -> Ticket:
    """A ticket as if it arrived by mail: its first message carries the customer's id."""
    ticket = make_ticket(subject="Printer on fire")
    Ticket.objects.filter(pk=ticket.pk).update(channel="email")
    Message.objects.filter(ticket=ticket).update(email_message_id="<first@customer.example>")
    ticket.refresh_from_db()
    return ticket


def _reply(desk: Desk, ticket: Ticket, body: str, **kwargs: Any) -> Message:
    return actions.post_reply(
        actor=desk.alice, origin=ORIGIN, number=ticket.number, body=body, **kwargs
    )


def _later(minutes: int) -> Any:
    return clock.now() + timedelta(minutes=minutes)


def test_a_reply_arrives_as_a_threaded_multipart_email_with_its_attachment(
    desk: Desk, make_ticket: Callable[..., Ticket], mailbox: Mailbox, peer: Peer
) -> None:
    ticket = _email_ticket(make_ticket)
    actions.follow_ticket(
        actor=desk.alice, origin=ORIGIN, number=ticket.number, user_id=desk.bea.pk
    )
    upload = actions.attach_file(
        actor=desk.alice,
        origin=ORIGIN,
        number=ticket.number,
        file_name="steps.txt",
        content=io.BytesIO(b"1. Unplug it.\n"),
    )
    first = _reply(
        desk,
        ticket,
        "Please unplug it.",
        body_html="<p>Please <strong>unplug</strong> it.</p>",
        attachment_ids=[upload.pk],
    )
    assert send_due() == 1

    (got,) = peer.handler.received
    mail = got.message
    first.refresh_from_db()
    assert mail["Message-ID"] == first.email_message_id
    assert first.email_message_id.endswith("@desk.example>")
    assert mail["In-Reply-To"] == "<first@customer.example>"
    assert mail["References"] == "<first@customer.example>"
    assert mail["Reply-To"] == reply_address(mailbox.address, ticket.number)
    assert mail["Subject"] == f"Re: Printer on fire [#{ticket.number}]"
    assert mail["From"] == "Acme Support <support@desk.example>"
    assert mail["To"] == "bob@example.com"
    assert mail["Cc"] == "bea@example.com"
    assert mail["Auto-Submitted"] is None  # a person wrote it
    assert got.mail_from == "support@desk.example"
    assert sorted(got.rcpt_tos) == ["bea@example.com", "bob@example.com"]
    plain = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert plain is not None
    assert "Please unplug it." in plain.get_content()
    assert html is not None
    assert "<strong>unplug</strong>" in html.get_content()
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "steps.txt"
    assert attachment.get_content().splitlines() == ["1. Unplug it."]
    email = OutboundEmail.objects.get()
    assert (email.state, email.attempts, email.message_id) == ("sent", 1, mail["Message-ID"])

    # The next reply chains on: In-Reply-To the previous one, References the whole thread.
    _reply(desk, ticket, "Did that help?")
    send_due()
    second = peer.handler.received[1].message
    assert second["In-Reply-To"] == first.email_message_id
    assert second["References"].split() == ["<first@customer.example>", first.email_message_id]


def test_notes_and_customer_replies_are_not_emailed(
    desk: Desk, make_ticket: Callable[..., Ticket], mailbox: Mailbox, peer: Peer
) -> None:
    ticket = _email_ticket(make_ticket)
    actions.add_note(actor=desk.alice, origin=ORIGIN, number=ticket.number, body="VIP")
    actions.post_reply(actor=desk.bob, origin=ORIGIN, number=ticket.number, body="Hello?")
    assert send_due() == 0
    assert peer.handler.received == []


def test_the_acknowledgment_is_auto_submitted_and_answers_the_customers_mail(
    desk: Desk, make_ticket: Callable[..., Ticket], mailbox: Mailbox, peer: Peer, settings: Any
) -> None:
    settings.FRONTDESK_PUBLIC_URL = "https://help.example"
    ticket = _email_ticket(make_ticket)
    inbound = SimpleNamespace(mailbox=mailbox, message_id="<first@customer.example>")
    assert outbox.acknowledge_new_ticket(ticket, inbound) is not None
    send_due()

    (got,) = peer.handler.received
    mail = got.message
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["In-Reply-To"] == "<first@customer.example>"
    assert mail["Reply-To"] == reply_address(mailbox.address, ticket.number)
    assert f"[#{ticket.number}]" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"https://help.example/portal/tickets/{ticket.number}/" in text
    assert "Hello Bob" in text

    # A reply after the acknowledgment threads under it too.
    _reply(desk, ticket, "On it.")
    send_due()
    reply = peer.handler.received[1].message
    ack_id = mail["Message-ID"]
    assert reply["References"].split() == ["<first@customer.example>", ack_id]


def test_a_4xx_answer_is_retried_later_and_the_mail_arrives_once(
    desk: Desk, make_ticket: Callable[..., Ticket], mailbox: Mailbox, peer: Peer
) -> None:
    peer.handler.script = ["451 4.3.0 Try again later"]
    ticket = _email_ticket(make_ticket)
    _reply(desk, ticket, "Please unplug it.")

    assert send_due() == 1
    email = OutboundEmail.objects.get()
    assert (email.state, email.attempts) == ("queued", 1)
    assert email.last_error.startswith("451 4.3.0 Try again later")
    assert email.next_attempt_at is not None
    assert email.next_attempt_at > clock.now()
    assert send_due() == 0  # not due yet: backoff

    assert send_due(now=_later(2)) == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 2)
    assert peer.handler.data_calls == 2
    assert len(peer.handler.received) == 1


def test_a_5xx_answer_fails_the_mail_and_the_ticket_page_says_so(
    desk: Desk, make_ticket: Callable[..., Ticket], mailbox: Mailbox, peer: Peer
) -> None:
    peer.handler.refuse["bob@example.com"] = "550 5.1.1 No such user here"
    ticket = _email_ticket(make_ticket)
    message = _reply(desk, ticket, "Please unplug it.")

    send_due()
    email = OutboundEmail.objects.get()
    assert (email.state, email.attempts) == ("failed", 1)
    assert email.last_error == "bob@example.com: 550 5.1.1 No such user here"
    assert send_due(now=_later(600)) == 0  # never retried by itself
    assert peer.handler.received == []

    client = Client()
    client.force_login(desk.alice)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Delivery failed: bob@example.com: 550 5.1.1 No such user here" in page
    assert f'id="message-{message.pk}"' in page

    # An administrator retries it; now the address exists.
    del peer.handler.refuse["bob@example.com"]
    outbox.retry_email(actor=desk.carol, email_id=email.pk)
    send_due()
    email.refresh_from_db()
    assert email.state == "sent"
    assert len(peer.handler.received) == 1


def test_an_unverified_certificate_is_refused(
    desk: Desk, make_ticket: Callable[..., Ticket], mailbox: Mailbox, peer: Peer
) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(smtp_ca_cert="")  # the test CA is not trusted
    ticket = _email_ticket(make_ticket)
    _reply(desk, ticket, "Please unplug it.")

    send_due()
    email = OutboundEmail.objects.get()
    assert email.state == "queued"  # the certificate may be fixed: retried later
    assert "certificate" in email.last_error.lower()
    assert peer.handler.data_calls == 0
    assert peer.handler.received == []


def test_credentials_are_used_and_never_shown_in_an_error(
    desk: Desk, make_ticket: Callable[..., Ticket], mailbox: Mailbox, peer: Peer
) -> None:
    login, password = CREDENTIALS
    Mailbox.objects.filter(pk=mailbox.pk).update(smtp_username=login, smtp_password=password)
    ticket = _email_ticket(make_ticket)
    _reply(desk, ticket, "First.")
    send_due()
    assert len(peer.handler.received) == 1

    Mailbox.objects.filter(pk=mailbox.pk).update(smtp_password="wrong-" + password)
    _reply(desk, ticket, "Second.")
    send_due()
    failed = OutboundEmail.objects.get(state="failed")
    assert failed.last_error.startswith("535")
    assert password not in failed.last_error


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_mail_once(
    migration_rows: None,
    desk: Desk,
    make_ticket: Callable[..., Ticket],
    peer: Peer,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no FOR UPDATE SKIP LOCKED and one writer")
    # Leave the mail queued (the tests' task backend would send each at once on commit).
    monkeypatch.setattr(outbox, "_send_soon", lambda ids: None)
    now = clock.now()
    box = Mailbox.objects.create(
        address="support@desk.example",
        smtp_host=HOST,
        smtp_port=peer.port,
        smtp_ca_cert=peer.certificates.ca_pem,
        created_at=now,
        updated_at=now,
    )
    settings.FRONTDESK_OUTBOUND_MAILBOX = box.address
    ticket = make_ticket(subject="Busy")
    for i in range(40):
        _reply(desk, ticket, f"Reply {i}")
    assert OutboundEmail.objects.filter(state="queued").count() == 40

    errors: list[BaseException] = []

    def worker() -> None:
        try:
            send_due(limit=5)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert not any(t.is_alive() for t in threads)

    ids = [r.message["Message-ID"] for r in peer.handler.received]
    assert len(ids) == 40
    assert len(set(ids)) == 40
    assert OutboundEmail.objects.filter(state="sent", attempts=1).count() == 40
