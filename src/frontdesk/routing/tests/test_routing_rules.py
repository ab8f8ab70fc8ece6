"""Routing rules applied to new tickets: each kind of condition, what the creator set wins,
stop_processing, the audit event of every firing, rules naming rows that no longer exist,
and the cost of creation with many rules."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import Desk
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.customers.models import Organization
from frontdesk.routing.actions import save_routing_rule
from frontdesk.routing.rulebook import forget_rules
from frontdesk.tickets import actions
from frontdesk.tickets.actions import catalog
from frontdesk.tickets.choices import EventAction, Priority
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket, TicketEvent

MORNING = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday
NIGHT = datetime(2026, 3, 2, 23, 15, tzinfo=UTC)


def rule(desk: Desk, name: str, condition: dict[str, Any], *actions_: dict[str, Any], **kw: Any):
    return save_routing_rule(
        actor=desk.carol, name=name, condition=condition, actions=list(actions_), **kw
    )


def to_team(slug: str | None) -> dict[str, Any]:
    return {"type": "set_field", "field": "team", "value": slug}


def set_priority(name: str) -> dict[str, Any]:
    return {"type": "set_field", "field": "priority", "value": name}


def leaf(field: str, op: str, value: Any = None) -> dict[str, Any]:
    data = {"field": field, "op": op}
    return data if value is None else data | {"value": value}


@pytest.fixture
def raise_ticket(desk: Desk) -> Callable[..., Ticket]:
    """A ticket as a customer's email would arrive: nothing triaged, from bob (acme)."""

    def make(**fields: Any) -> Ticket:
        forget_rules()  # rules saved in the test's transaction are seen at once
        return actions.create_ticket(
            actor=fields.pop("actor", desk.carol),
            origin=Origin(channel=fields.pop("channel", "email")),
            subject=fields.pop("subject", "Hello"),
            body=fields.pop("body", "Some text."),
            requester_email=fields.pop("requester", desk.bob).email,
            now=fields.pop("now", MORNING),
            **fields,
        )

    return make


def routed_events(ticket: Ticket) -> list[Any]:
    return [
        e.new_value
        for e in TicketEvent.objects.filter(ticket=ticket, action=EventAction.ROUTED).order_by("pk")
    ]


# --- each kind of condition ---------------------------------------------------------------

CASES = [
    pytest.param(
        leaf("subject", "includes_any", ["invoice", "refund"]),
        {"subject": "Question about my INVOICE"},
        {"subject": "Printer broken"},
        id="keyword-in-subject",
    ),
    pytest.param(
        leaf("body", "matches", r"order\s*#?\d{5}"),
        {"body": "Where is order #12345?"},
        {"body": "Where is my order?"},
        id="regex-in-body",
    ),
    pytest.param(
        leaf("organization_tier", "equals", "enterprise"),
        {"requester": "erin"},  # initech is enterprise in this test
        {"requester": "bob"},
        id="organization-tier",
    ),
    pytest.param(
        leaf("channel", "in", ["phone", "chat"]),
        {"channel": "phone"},
        {"channel": "email"},
        id="channel",
    ),
    pytest.param(
        {"any": [leaf("time_of_day", "gte", "18:00"), leaf("time_of_day", "lt", "08:00")]},
        {"now": NIGHT},
        {"now": MORNING},
        id="time-of-day",
    ),
    pytest.param(
        leaf("custom.plan", "equals", "gold"),
        {"custom_fields": {"plan": "gold"}},
        {"custom_fields": {"plan": "silver"}},
        id="custom-field",
    ),
    pytest.param(
        leaf("requester_domain", "equals", "example.com"),
        {"requester": "bob"},
        {"requester": "carol-outside"},
        id="requester-domain",
    ),
]


@pytest.fixture
def scene(desk: Desk) -> Desk:
    Organization.objects.filter(pk=desk.initech.pk).update(tier="enterprise")
    catalog.create_custom_field(
        actor=None, key="plan", label="Plan", field_type="choice", choices=["gold", "silver"]
    )
    return desk


def _fields(desk: Desk, given: dict[str, Any]) -> dict[str, Any]:
    fields = dict(given)
    who = fields.pop("requester", None)
    if who == "carol-outside":
        from frontdesk.accounts.actions import create_user

        fields["requester"] = create_user(
            actor=None, email="zed@elsewhere.test", name="Zed", role="customer"
        )
    elif who:
        fields["requester"] = getattr(desk, who)
    return fields


@pytest.mark.parametrize(("condition", "matching", "other"), CASES)
def test_a_rule_routes_the_tickets_its_condition_matches(
    scene, raise_ticket, condition, matching, other
):
    rule(scene, "To billing", condition, to_team("billing"), set_priority("high"))

    hit = raise_ticket(**_fields(scene, matching))
    miss = raise_ticket(**_fields(scene, other))

    assert (hit.team_id, hit.priority) == (scene.billing.pk, Priority.HIGH)
    assert (miss.team_id, miss.priority) == (None, Priority.NORMAL)
    hit.refresh_from_db()
    assert hit.team_id == scene.billing.pk  # saved, not only in memory
    assert len(routed_events(hit)) == 1
    assert routed_events(miss) == []


def test_tags_categories_types_and_custom_fields_are_set(scene, raise_ticket):
    catalog.create_category(actor=None, name="Payments")
    rule(
        scene,
        "Payments",
        leaf("subject", "contains", "card"),
        {"type": "set_field", "field": "category", "value": "payments"},
        {"type": "set_field", "field": "type", "value": "incident"},
        {"type": "add_tags", "tags": ["Billing Issue", "cards"]},
        {"type": "set_custom_field", "key": "plan", "value": "gold"},
    )

    ticket = raise_ticket(subject="My card was declined", tags=["urgent-ish"])

    ticket.refresh_from_db()
    assert ticket.category.slug == "payments"
    assert ticket.type == "incident"
    assert ticket.custom_fields == {"plan": "gold"}
    assert sorted(ticket.tags.values_list("name", flat=True)) == [
        "billingissue",
        "cards",
        "urgent-ish",
    ]


def test_a_later_rule_sees_what_an_earlier_one_set(scene, raise_ticket):
    rule(
        scene,
        "VIP tag",
        leaf("organization", "equals", "Acme"),
        {"type": "add_tags", "tags": ["vip"]},
    )
    rule(scene, "VIP to billing", leaf("tags", "contains", "vip"), to_team("billing"))

    ticket = raise_ticket()

    assert ticket.team_id == scene.billing.pk
    assert [e["rule"] for e in routed_events(ticket)] == ["VIP tag", "VIP to billing"]


# --- what the creator set wins --------------------------------------------------------------


def test_values_the_creator_set_win_over_rules(scene, raise_ticket):
    catalog.create_category(actor=None, name="Hardware")
    catalog.create_category(actor=None, name="Payments")
    rule(
        scene,
        "Everything to billing",
        {},
        to_team("billing"),
        set_priority("low"),
        {"type": "set_field", "field": "category", "value": "payments"},
        {"type": "remove_tags", "tags": ["keep-me", "drop-me"]},
        {"type": "set_custom_field", "key": "plan", "value": "silver"},
    )

    ticket = raise_ticket(
        team_id=scene.support.pk,
        priority="urgent",
        category="hardware",
        tags=["keep-me"],
        custom_fields={"plan": "gold"},
    )

    ticket.refresh_from_db()
    assert ticket.team_id == scene.support.pk
    assert ticket.priority == Priority.URGENT
    assert ticket.category.slug == "hardware"
    assert list(ticket.tags.values_list("name", flat=True)) == ["keep-me"]
    assert ticket.custom_fields == {"plan": "gold"}
    [event] = routed_events(ticket)
    assert event["changes"] == {}
    assert event["kept"] == ["team", "priority", "category", "tags", "custom.plan"]


def test_normal_priority_and_question_type_are_the_defaults_rules_may_change(scene, raise_ticket):
    rule(
        scene,
        "Outage",
        leaf("subject", "contains", "down"),
        set_priority("urgent"),
        {"type": "set_field", "field": "type", "value": "incident"},
    )

    ticket = raise_ticket(subject="Site is down", priority="normal", type="question")

    assert (ticket.priority, ticket.type) == (Priority.URGENT, "incident")


def test_an_assignee_chosen_by_the_creator_pins_the_team(scene, raise_ticket):
    rule(scene, "Billing", {}, to_team("billing"))

    ticket = raise_ticket(assignee_id=scene.alice.pk)

    assert (ticket.team_id, ticket.assignee_id) == (None, scene.alice.pk)
    assert routed_events(ticket)[0]["kept"] == ["team"]


def test_rules_may_add_tags_to_the_creators_and_remove_their_own(scene, raise_ticket):
    rule(scene, "Add", {}, {"type": "add_tags", "tags": ["a", "b"]})
    rule(
        scene,
        "Remove",
        leaf("tags", "contains", "b"),
        {"type": "remove_tags", "tags": ["b", "mine"]},
    )

    ticket = raise_ticket(tags=["mine"])

    assert sorted(ticket.tags.values_list("name", flat=True)) == ["a", "mine"]
    add, remove = routed_events(ticket)
    assert add["changes"] == {"tags": {"added": ["a", "b"], "removed": []}}
    assert remove["changes"] == {"tags": {"added": [], "removed": ["b"]}}
    assert remove["kept"] == ["tags"]


# --- order, stop_processing ---------------------------------------------------------------


def test_stop_processing_ends_the_run(scene, raise_ticket):
    rule(scene, "First", {}, to_team("billing"), stop_processing=True)
    rule(scene, "Second", {}, set_priority("high"))

    ticket = raise_ticket()

    assert (ticket.team_id, ticket.priority) == (scene.billing.pk, Priority.NORMAL)
    [event] = routed_events(ticket)
    assert event["rule"] == "First"
    assert event["stopped"] is True


def test_inactive_rules_do_not_run_and_position_decides_the_order(scene, raise_ticket):
    rule(scene, "Later", {}, to_team("support"), position=5)
    rule(scene, "Sooner", {}, to_team("billing"), position=1)
    rule(scene, "Off", {}, set_priority("urgent"), is_active=False)

    ticket = raise_ticket()

    assert [e["rule"] for e in routed_events(ticket)] == ["Sooner", "Later"]
    assert ticket.team_id == scene.support.pk  # the later rule's change stands
    assert ticket.priority == Priority.NORMAL


def test_the_rules_team_decides_the_automatic_assignment(scene, raise_ticket):
    from frontdesk.routing.actions import configure_team_assignment, set_availability

    configure_team_assignment(actor=scene.carol, team_id=scene.billing.pk, strategy="round_robin")
    set_availability(actor=scene.dave, availability="online")
    rule(scene, "Billing", leaf("subject", "contains", "invoice"), to_team("billing"))

    ticket = raise_ticket(subject="Invoice missing")

    assert (ticket.team_id, ticket.assignee_id) == (scene.billing.pk, scene.dave.pk)
    assert ticket.status_category == "open"
    actions_in_order = list(
        TicketEvent.objects.filter(ticket=ticket).order_by("pk").values_list("action", flat=True)
    )
    assert actions_in_order[:3] == ["created", "routed", "auto_assigned"]


# --- the audit trail ----------------------------------------------------------------------


def test_each_firing_is_recorded_with_the_rule_and_why(scene, raise_ticket):
    billing = rule(scene, "Invoices", leaf("subject", "contains", "invoice"), to_team("billing"))

    ticket = raise_ticket(subject="Invoice 42")

    event = TicketEvent.objects.get(ticket=ticket, action=EventAction.ROUTED)
    assert event.actor is None
    assert event.channel == "system"
    assert event.is_public is False
    assert event.new_value == {
        "rule_id": billing.pk,
        "rule": "Invoices",
        "changes": {"team": "billing"},
        "why": ['subject contains "invoice": yes (subject is "Invoice 42")'],
    }


def test_customers_do_not_see_routing_events(scene, raise_ticket, as_user):
    rule(scene, "Billing", {}, to_team("billing"))
    ticket = raise_ticket(actor=scene.bob)

    seen = as_user(scene.bob).get(f"/api/v1/tickets/{ticket.number}/events").json()["items"]
    staff = as_user(scene.carol).get(f"/api/v1/tickets/{ticket.number}/events").json()["items"]

    assert "routed" not in {e["action"] for e in seen}
    assert "routed" in {e["action"] for e in staff}


def test_the_ticket_page_says_which_rule_did_what(scene, raise_ticket, client):
    rule(scene, "Invoices", {}, to_team("billing"), {"type": "add_tags", "tags": ["money"]})
    ticket = raise_ticket()
    client.force_login(scene.carol)

    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()

    assert "Rule “Invoices” routed it: team billing, tags +money" in page


def test_the_api_answers_with_the_tags_rules_added(scene, as_user):
    rule(scene, "Tag", {}, {"type": "add_tags", "tags": ["routed"]})
    forget_rules()

    response = as_user(scene.carol).post(
        "/api/v1/tickets",
        {"subject": "Hi", "body": "There.", "tags": ["mine"]},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["tags"] == ["mine", "routed"]


# --- what cannot be done is skipped, never a failure ----------------------------------------


def test_a_team_or_category_that_no_longer_exists_is_skipped_and_said(scene, raise_ticket):
    rule(
        scene,
        "Gone",
        {},
        to_team("closed-desk"),
        {"type": "set_field", "field": "category", "value": "nothing"},
        set_priority("high"),
    )

    ticket = raise_ticket()

    assert (ticket.team_id, ticket.category_id, ticket.priority) == (None, None, Priority.HIGH)
    [event] = routed_events(ticket)
    assert event["changes"] == {"priority": "high"}
    assert event["skipped"] == {
        "team": "no team 'closed-desk'",
        "category": "no category 'nothing'",
    }


def test_a_custom_field_value_the_field_refuses_is_skipped(scene, raise_ticket):
    rule(
        scene,
        "Odd",
        {},
        {"type": "set_custom_field", "key": "plan", "value": "platinum"},
        {"type": "set_custom_field", "key": "unknown", "value": 1},
    )

    ticket = raise_ticket()

    assert ticket.custom_fields == {}
    [event] = routed_events(ticket)
    assert set(event["skipped"]) == {"custom.plan", "custom.unknown"}


def test_a_stored_rule_the_engine_no_longer_accepts_is_skipped(scene, raise_ticket):
    broken = rule(scene, "Broken", {}, to_team("billing"))
    type(broken).objects.filter(pk=broken.pk).update(condition={"field": "nope", "op": "equals"})
    rule(scene, "Fine", {}, set_priority("high"))

    ticket = raise_ticket()

    assert (ticket.team_id, ticket.priority) == (None, Priority.HIGH)


# --- cost -----------------------------------------------------------------------------------


def _creation_queries(raise_ticket: Callable[..., Ticket], **fields: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        raise_ticket(**fields)
    return len(captured.captured_queries)


def test_creation_with_twenty_rules_costs_no_query_per_rule(scene, raise_ticket):
    baseline = _creation_queries(raise_ticket, subject="warm up")  # no rules: none run
    for i in range(20):
        rule(
            scene,
            f"Rule {i}",
            leaf("subject", "contains", f"word{i}"),
            to_team("billing" if i % 2 else "support"),
            {"type": "add_tags", "tags": [f"t{i}"]},
        )
    none_fire = _creation_queries(raise_ticket, subject="nothing matches")
    all_fire = _creation_queries(raise_ticket, subject=" ".join(f"word{i}" for i in range(20)))

    # Checking 20 rules costs nothing beyond loading them (one query, as with no rules).
    # When they fire: one query for their teams, three for new tags (read, insert, read),
    # the tag links' insert, the team's assignment lock, and one event per firing (at most
    # 10 per run), but nothing per rule checked.
    assert none_fire <= baseline
    assert all_fire - none_fire <= 1 + 3 + 1 + 1 + 10
