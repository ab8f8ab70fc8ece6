"""Logging phone calls: a new ticket or a note, the caller matched by number or email."""

from typing import Any

import pytest
from conftest import Desk
from django.test import Client

from frontdesk.core.errors import Invalid, NotFound
from frontdesk.phone.actions import caller_for, log_call
from frontdesk.phone.models import CallerNumber, CallLog
from frontdesk.phone.numbers import format_duration, normalize_number, parse_duration
from frontdesk.tickets.choices import Channel, MessageKind
from frontdesk.tickets.models import Message, Ticket


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_numbers_and_durations() -> None:
    assert normalize_number("+44 (20) 7946-0018") == "+442079460018"
    assert normalize_number("020 7946 0018") == "02079460018"
    for bad in ("call me", "12", "+1" + "2" * 25):
        with pytest.raises(ValueError, match="phone number"):
            normalize_number(bad)
    assert parse_duration("") == 0
    assert parse_duration("75") == 75
    assert parse_duration("4:05") == 245
    assert parse_duration("1:01:15") == 3675
    assert parse_duration("4m 5s") == 245
    with pytest.raises(ValueError, match="duration"):
        parse_duration("forever")
    with pytest.raises(ValueError, match="24 hours"):
        parse_duration("25:00:00")
    assert format_duration(245) == "4:05"
    assert format_duration(3675) == "1:01:15"


def test_a_call_opens_a_ticket_and_the_number_is_remembered(desk: Desk) -> None:
    call = log_call(
        actor=desk.alice,
        direction="inbound",
        number="+44 20 7946 0018",
        duration_seconds=245,
        notes="Printer jams on tray 2.",
        subject="Printer jams",
        caller_email="bob@example.com",
        recording_url="https://pbx.example.com/rec/1.mp3",
    )
    ticket = call.ticket
    assert ticket.channel == Channel.PHONE
    assert ticket.requester == desk.bob
    assert ticket.subject == "Printer jams"
    assert call.message is not None
    assert call.message.body_text == (
        "Inbound call from +44 20 7946 0018 (4:05).\n"
        "Recording: https://pbx.example.com/rec/1.mp3\n\nPrinter jams on tray 2."
    )
    assert caller_for("+442079460018") == desk.bob
    # The next call from the number needs no address.
    again = log_call(actor=desk.alice, direction="inbound", number="+44 20 7946 0018")
    assert again.ticket.requester == desk.bob
    assert again.ticket.subject == "Phone call from +44 20 7946 0018"
    assert CallerNumber.objects.count() == 1


def test_a_new_caller_becomes_a_contact(desk: Desk) -> None:
    call = log_call(
        actor=desk.alice,
        direction="inbound",
        number="555-0100",
        caller_email="New.Person@example.com",
        caller_name="New Person",
    )
    assert call.ticket.requester.email == "new.person@example.com"
    assert call.ticket.requester.is_customer
    assert caller_for("5550100") == call.ticket.requester


def test_an_unknown_number_without_email_is_refused(desk: Desk) -> None:
    with pytest.raises(Invalid) as caught:
        log_call(actor=desk.alice, direction="inbound", number="555-0199")
    assert caught.value.code == "caller_unknown"
    assert not Ticket.objects.exists()


def test_a_call_on_an_existing_ticket_is_an_internal_note(desk: Desk, make_ticket: Any) -> None:
    ticket = make_ticket()
    call = log_call(
        actor=desk.lena,  # light agents may note
        direction="outbound",
        number="+1 555 0100",
        duration_seconds=60,
        ticket_number=ticket.number,
    )
    assert call.ticket == ticket
    assert call.message is not None
    assert call.message.kind == MessageKind.NOTE
    assert call.message.body_text == "Outbound call to +1 555 0100 (1:00)."
    assert caller_for("+15550100") == desk.bob  # the requester, remembered


def test_a_ticket_the_agent_cannot_see_is_not_found(desk: Desk, make_ticket: Any) -> None:
    ticket = make_ticket()
    with pytest.raises(NotFound):
        log_call(
            actor=desk.dave, direction="inbound", number="5550100", ticket_number=ticket.number
        )
    assert not CallLog.objects.exists()


def test_bad_input(desk: Desk) -> None:
    with pytest.raises(Invalid):
        log_call(actor=desk.alice, direction="sideways", number="5550100", caller_email="a@b.co")
    with pytest.raises(Invalid):
        log_call(
            actor=desk.alice,
            direction="inbound",
            number="5550100",
            caller_email="a@b.co",
            recording_url="javascript:alert(1)",
        )


def test_the_page_logs_a_call(desk: Desk) -> None:
    client = signed_in(desk.alice)
    assert client.get("/desk/calls/new/").status_code == 200
    response = client.post(
        "/desk/calls/new/",
        {
            "direction": "inbound",
            "number": "+44 20 7946 0018",
            "duration": "2:30",
            "caller_email": "gil@example.com",
            "subject": "Invoice question",
            "priority": "normal",
            "notes": "Wants a copy.",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/desk/tickets/{ticket.number}/"
    assert CallLog.objects.get().duration_seconds == 150
    # The lookup shows the caller and their open tickets.
    found = client.get("/desk/calls/caller/", {"number": "+442079460018"})
    assert "gil@example.com" in found.content.decode()
    assert f"#{ticket.number}" in found.content.decode()


def test_the_page_shows_errors(desk: Desk) -> None:
    client = signed_in(desk.alice)
    response = client.post(
        "/desk/calls/new/", {"direction": "inbound", "number": "555-0199", "priority": "normal"}
    )
    assert response.status_code == 422
    assert "not known yet" in response.content.decode()
    response = client.post(
        "/desk/calls/new/",
        {"direction": "inbound", "number": "x", "duration": "soon", "priority": "normal"},
    )
    assert response.status_code == 422
    assert not Message.objects.exists()


def test_customers_and_strangers_get_no_page(desk: Desk) -> None:
    assert signed_in(desk.bob).get("/desk/calls/new/").status_code == 404
    assert signed_in(desk.bob).get("/desk/calls/caller/?number=1").status_code == 404
    assert Client().get("/desk/calls/new/").status_code == 302


def test_the_lookup_shows_only_tickets_the_agent_sees(desk: Desk, make_ticket: Any) -> None:
    ticket = make_ticket()
    log_call(actor=desk.alice, direction="inbound", number="5550100", ticket_number=ticket.number)
    seen = signed_in(desk.alice).get("/desk/calls/caller/", {"number": "5550100"})
    assert f"#{ticket.number}" in seen.content.decode()
    hidden = signed_in(desk.dave).get("/desk/calls/caller/", {"number": "5550100"})
    assert f"#{ticket.number}" not in hidden.content.decode()


def test_query_budgets(desk: Desk, make_ticket: Any, django_assert_max_num_queries: Any) -> None:
    ticket = make_ticket()
    log_call(actor=desk.alice, direction="inbound", number="5550100", ticket_number=ticket.number)
    for _ in range(5):
        make_ticket()
    client = signed_in(desk.alice)
    with django_assert_max_num_queries(6):
        assert client.get("/desk/calls/caller/", {"number": "5550100"}).status_code == 200
