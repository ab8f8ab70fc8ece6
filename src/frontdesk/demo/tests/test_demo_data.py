"""The demo help desk: what it contains, that it is written like real use, and only once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F

from frontdesk.accounts.models import Team, User
from frontdesk.customers.models import Membership, Organization
from frontdesk.demo.demo_data import DAYS, DEMO_PASSWORD, TICKETS, demo_logins, load_demo
from frontdesk.tickets.access import visible_messages
from frontdesk.tickets.choices import Channel, EventAction, MessageKind, Priority, StatusCategory
from frontdesk.tickets.models import CustomFieldDefinition, Message, Ticket, TicketEvent

DEMO_CHANNELS = {"email", "portal", "api", "phone", "chat", "web"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo once for the whole module (it takes seconds), inside a transaction
    that is rolled back afterwards; each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        summary = load_demo()
        yield summary
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_people_and_customers(demo):
    roles = dict(User.objects.values_list("role").annotate(n=Count("id")))
    assert roles == {"admin": 1, "supervisor": 1, "agent": 7, "light_agent": 1, "customer": 50}
    assert set(Team.objects.values_list("name", flat=True)) == {"Support", "Billing", "IT"}
    assert all(u.teams.exists() for u in User.objects.filter(role__in=["agent", "light_agent"]))
    assert Organization.objects.count() == 10
    assert Organization.objects.values("tier").distinct().count() == 3
    assert Membership.objects.count() == 50
    customer = User.objects.get(email="customer@demo.frontdesk.test")
    assert customer.organizations.get().shares_tickets


def test_logins_share_the_demo_password(demo):
    assert demo.created
    assert demo.logins == demo_logins()
    assert [role for role, _ in demo_logins()].count("agent") == 7
    for _, email in demo_logins():
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD), email


def test_tickets_cover_every_status_channel_priority_and_type(demo):
    tickets = Ticket.objects.all()
    # Follow-up tickets, opened by customers writing to closed ones, come on top.
    assert TICKETS <= tickets.count() <= TICKETS + 30
    assert set(tickets.values_list("status_category", flat=True)) == set(StatusCategory.values)
    assert set(tickets.values_list("channel", flat=True)) >= DEMO_CHANNELS
    assert set(tickets.values_list("priority", flat=True)) == set(Priority.values)
    assert len(set(tickets.values_list("type", flat=True))) == 5
    assert not tickets.exclude(status_category=F("status__category")).exists()


def test_timestamps_are_in_the_recent_past(demo):
    tickets = Ticket.objects.all()
    newest = max(t.updated_at for t in tickets)
    assert min(t.created_at for t in tickets) > newest - timedelta(days=DAYS + 1)
    assert not tickets.filter(updated_at__lt=F("created_at")).exists()
    assert not Message.objects.filter(created_at__lt=F("ticket__created_at")).exists()
    by_number = list(tickets.order_by("number").values_list("created_at", flat=True))
    assert by_number == sorted(by_number), "numbers follow creation time, as live"
    closed = tickets.filter(status_category=StatusCategory.CLOSED)
    assert not closed.filter(closed_at__isnull=True).exists()


def test_conversations_and_audit_trail(demo):
    assert Message.objects.values("ticket").annotate(n=Count("id")).filter(n__gte=4).count() > 100
    replied = Ticket.objects.filter(first_response_at__isnull=False)
    assert replied.count() > TICKETS // 2
    assert TicketEvent.objects.filter(action=EventAction.CREATED).count() == Ticket.objects.count()
    actions = set(TicketEvent.objects.values_list("action", flat=True))
    assert {"changed", "replied", "noted", "auto_closed", "reopened"} <= actions
    assert Ticket.objects.filter(tags__isnull=False).distinct().count() > TICKETS // 2


def test_internal_notes_exist_and_stay_internal(demo):
    notes = Message.objects.filter(kind=MessageKind.NOTE)
    assert notes.count() > 20
    assert not notes.filter(is_public=True).exists()
    ticket = Ticket.objects.filter(messages__kind=MessageKind.NOTE)[0]
    shown = visible_messages(ticket.requester, ticket)
    assert not shown.filter(kind=MessageKind.NOTE).exists()
    assert shown.exists()


def test_custom_fields_have_values(demo):
    assert set(CustomFieldDefinition.objects.values_list("key", flat=True)) >= {
        "product",
        "order_number",
    }
    assert Ticket.objects.filter(custom_fields__has_key="product").count() > TICKETS // 2
    assert Ticket.objects.filter(custom_fields__has_key="order_number").exists()


def test_loading_again_does_nothing(demo):
    tickets, messages = Ticket.objects.count(), Message.objects.count()
    again = load_demo()
    assert not again.created
    assert (Ticket.objects.count(), Message.objects.count()) == (tickets, messages)
    out = StringIO()
    call_command("demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert "customer@demo.frontdesk.test" in out.getvalue()


def test_customer_channels_only_carry_customer_replies(demo):
    """Replies by customers arrive on customer channels; agents always write from the web."""
    staff_channels = set(
        Message.objects.filter(author__role__in=["agent", "supervisor", "admin"])
        .exclude(pk__in=first_messages())
        .values_list("channel", flat=True)
    )
    assert staff_channels == {Channel.WEB}


def first_messages() -> list[int]:
    return [t.messages.order_by("created_at", "pk")[0].pk for t in Ticket.objects.all()]


def test_routing_rules_tiers_and_approvals(demo):
    from frontdesk.accounts.models import AgentProfile
    from frontdesk.approvals.models import ApprovalRule
    from frontdesk.routing.models import RoutingRule, TeamAssignment

    assert RoutingRule.objects.filter(is_active=True).count() == 2
    settings = {a.team.slug: a for a in TeamAssignment.objects.select_related("team")}
    assert settings["support"].strategy == "round_robin"
    assert settings["support"].escalates_to == Team.objects.get(slug="it")
    assert settings["it"].strategy == "load_balanced"
    assert settings["it"].escalates_to is None
    assert AgentProfile.objects.filter(availability="online").count() >= 7
    assert ApprovalRule.objects.filter(ticket_type="service_request").exists()
