"""What the ticket actions tell: @mentions, assignments and customer replies."""

from typing import Any

from django.test import Client

from frontdesk.notifications.models import Notification
from frontdesk.tickets import actions
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import TicketFollower

ORIGIN = Origin()


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def told(user: Any, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("pk"))


# -- @mentions ------------------------------------------------------------------------------


def test_a_note_mentioning_an_agent_tells_them_and_makes_them_follow(desk, make_ticket):
    ticket = make_ticket(subject="Printer on fire")
    signed_in(desk.alice).post(
        f"/desk/tickets/{ticket.number}/messages/",
        {"kind": "note", "body": "@dave@example.com can you look?", "last_message_id": "99999"},
    )
    # Dave works billing: following the ticket is what lets him see it, and be told.
    assert TicketFollower.objects.filter(ticket=ticket, user=desk.dave).exists()
    [notification] = told(desk.dave, "mention")
    assert notification.text == f"Alice mentioned you on #{ticket.number}: Printer on fire"
    assert (notification.ticket_id, notification.actor_id) == (ticket.pk, desk.alice.pk)


def test_a_reply_through_the_api_mentions_too(desk, make_ticket, as_user):
    ticket = make_ticket()
    response = as_user(desk.alice).post(
        f"/api/v1/tickets/{ticket.number}/replies",
        {"body": "Looping in @Sam@Example.com."},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert len(told(desk.sam, "mention")) == 1


def test_mentioning_oneself_customers_or_strangers_tells_nobody(desk, make_ticket):
    ticket = make_ticket()
    actions.add_note(
        actor=desk.alice,
        origin=ORIGIN,
        number=ticket.number,
        body="@alice@example.com @bob@example.com @nobody@example.com mail@example.com",
    )
    assert not Notification.objects.exists()


def test_a_light_agents_mention_tells_only_agents_who_see_the_ticket(desk, make_ticket):
    ticket = make_ticket()  # support
    actions.add_note(
        actor=desk.lena,
        origin=ORIGIN,
        number=ticket.number,
        body="@sam@example.com @dave@example.com",
    )
    assert len(told(desk.sam, "mention")) == 1
    assert told(desk.dave, "mention") == []  # billing, and light agents add no followers
    assert not TicketFollower.objects.filter(ticket=ticket, user=desk.dave).exists()


def test_a_customer_mentions_nobody(desk, make_ticket):
    ticket = make_ticket(requester=desk.bob)
    actions.post_reply(
        actor=desk.bob, origin=ORIGIN, number=ticket.number, body="@sam@example.com help!"
    )
    assert told(desk.sam, "mention") == []


# -- assignment -----------------------------------------------------------------------------


def test_assigning_a_ticket_tells_the_new_assignee(desk, make_ticket):
    ticket = make_ticket(subject="VPN down")
    actions.update_ticket(
        actor=desk.sam,
        origin=ORIGIN,
        number=ticket.number,
        changes={"assignee_id": desk.alice.pk},
        expected_version=None,
    )
    [notification] = told(desk.alice, "assigned")
    assert notification.text == f"Sam assigned you #{ticket.number}: VPN down"
    assert notification.actor_id == desk.sam.pk


def test_other_changes_and_taking_a_ticket_oneself_tell_nobody(desk, make_ticket):
    ticket = make_ticket()
    actions.update_ticket(
        actor=desk.alice,
        origin=ORIGIN,
        number=ticket.number,
        changes={"assignee_id": desk.alice.pk},
        expected_version=None,
    )
    actions.update_ticket(
        actor=desk.sam,
        origin=ORIGIN,
        number=ticket.number,
        changes={"priority": "high"},
        expected_version=None,
    )
    other = make_ticket()
    actions.claim_ticket(actor=desk.sam, origin=ORIGIN, number=other.number)
    assert not Notification.objects.exists()


def test_a_bulk_assignment_tells_the_assignee_once_per_ticket(desk, make_ticket):
    tickets = [make_ticket(), make_ticket()]
    response = signed_in(desk.sam).post(
        "/desk/tickets/bulk/",
        {"numbers": [t.number for t in tickets], "assignee": str(desk.alice.pk)},
    )
    assert response.status_code in (200, 302, 303)
    assigned = told(desk.alice, "assigned")
    assert len(assigned) == 2
    assert {n.ticket_id for n in assigned} == {t.pk for t in tickets}


def test_a_ticket_created_assigned_tells_the_assignee(desk):
    ticket = actions.create_ticket(
        actor=desk.sam,
        origin=ORIGIN,
        subject="New laptop",
        body="Please.",
        requester_email=desk.bob.email,
        team_id=desk.support.pk,
        assignee_id=desk.alice.pk,
    )
    [notification] = told(desk.alice, "assigned")
    assert notification.ticket_id == ticket.pk


# -- customer replies -----------------------------------------------------------------------


def test_a_customer_reply_tells_the_assignee(desk, make_ticket):
    ticket = make_ticket(requester=desk.bob, assignee_id=desk.alice.pk, subject="Invoice")
    Notification.objects.all().delete()  # the assignment's own notification
    actions.post_reply(actor=desk.bob, origin=ORIGIN, number=ticket.number, body="Any news?")
    [notification] = told(desk.alice, "customer_replied")
    assert notification.text == f"Bob replied on #{ticket.number}: Invoice"


def test_a_customer_reply_to_an_unassigned_ticket_tells_nobody(desk, make_ticket):
    ticket = make_ticket(requester=desk.bob)
    actions.post_reply(actor=desk.bob, origin=ORIGIN, number=ticket.number, body="Any news?")
    assert not Notification.objects.exists()


def test_an_agent_reply_does_not_tell_the_assignee(desk, make_ticket):
    ticket = make_ticket(assignee_id=desk.alice.pk)
    Notification.objects.all().delete()
    actions.post_reply(actor=desk.sam, origin=ORIGIN, number=ticket.number, body="Done.")
    assert not Notification.objects.exists()
