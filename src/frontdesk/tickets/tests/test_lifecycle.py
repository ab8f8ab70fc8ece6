from datetime import UTC, datetime, timedelta

import pytest

from frontdesk.core.errors import Forbidden, Invalid
from frontdesk.tickets.actions import close_solved_tickets, post_reply, update_ticket
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def test_auto_close_keeps_the_time_the_ticket_was_solved(desk, make_ticket, settings):
    settings.FRONTDESK_AUTO_CLOSE_DAYS = 4
    ticket = make_ticket()
    update_ticket(
        actor=desk.alice,
        origin=Origin(),
        number=ticket.number,
        changes={"status": "solved"},
        expected_version=None,
        now=T0,
    )
    assert close_solved_tickets(now=T0 + timedelta(days=3)) == 0
    assert close_solved_tickets(now=T0 + timedelta(days=10)) == 1
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status_category == "closed"
    assert ticket.solved_at == T0
    assert ticket.closed_at == T0 + timedelta(days=10)


def test_closing_an_open_ticket_marks_it_solved_at_the_same_time(desk, make_ticket):
    ticket = make_ticket()
    update_ticket(
        actor=desk.alice,
        origin=Origin(),
        number=ticket.number,
        changes={"status": "closed"},
        expected_version=None,
        now=T0,
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.solved_at, ticket.closed_at) == (T0, T0)


def test_a_reply_cannot_send_a_ticket_back_to_new(desk, make_ticket):
    ticket = make_ticket()
    with pytest.raises(Invalid) as caught:
        post_reply(actor=desk.alice, origin=Origin(), number=ticket.number, body="Hi", status="new")
    assert caught.value.code == "status_not_allowed"
    assert Ticket.objects.get(pk=ticket.pk).messages.count() == 1


def test_customer_may_mark_solved_but_not_set_other_statuses(desk, make_ticket):
    ticket = make_ticket(requester=desk.bob)
    with pytest.raises(Forbidden):
        post_reply(
            actor=desk.bob, origin=Origin(), number=ticket.number, body="x", status="pending"
        )
    post_reply(
        actor=desk.bob, origin=Origin(), number=ticket.number, body="Works now", status="solved"
    )
    assert Ticket.objects.get(pk=ticket.pk).status_category == "solved"
