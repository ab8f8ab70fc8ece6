"""The trigger and time rule pages: they list the rules in order with the recent runs, save
through the actions with errors inline, move and delete rules, try a rule on a real ticket
without saving it, are read-only for supervisors and closed to everyone else, and need
CSRF."""

import json
from typing import Any

import pytest
from django.test import Client

from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import TicketEvent
from frontdesk.triggers import actions
from frontdesk.triggers.models import TimeRule, Trigger, TriggerRun
from frontdesk.triggers.rulebook import forget_triggers

TRIGGERS = "/desk/admin/triggers"
TIME_RULES = "/desk/admin/time-rules"
ON_REPLY = {"field": "event.kind", "op": "equals", "value": "customer_replied"}
PENDING_DAYS = {"field": "hours_since.status_changed", "op": "gte", "value": 120}


def signed_in(user: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


@pytest.fixture
def triggers(desk: Any) -> list[Trigger]:
    saved = [
        actions.save_trigger(
            actor=desk.carol,
            name=name,
            condition=ON_REPLY,
            actions=[{"type": "add_tags", "tags": [tag]}],
        )
        for name, tag in (("Tag replies", "replied"), ("Mark VIPs", "vip"))
    ]
    forget_triggers()  # the test's transaction never commits, which would drop the cache
    return saved


def trigger_post(**changes: str) -> dict[str, str]:
    data = {
        "name": "Escalate",
        "is_active": "on",
        "condition": json.dumps(ON_REPLY),
        "actions": '[{"type": "set_field", "field": "priority", "value": "urgent"}]',
    }
    return data | changes


def test_the_list_shows_triggers_in_order_runs_and_the_nav_link(desk, triggers, make_ticket):
    ticket = make_ticket()
    ticket_actions.post_reply(actor=desk.bob, origin=Origin(), number=ticket.number, body="Hi")

    page = signed_in(desk.carol).get(f"{TRIGGERS}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Tag replies") < text.index("Mark VIPs")
    assert "+replied" in text
    assert f'href="{TRIGGERS}/"' in text  # the header's link
    assert "Trigger “Tag replies” ran: tags +replied" in text  # the recent runs
    assert f"#{ticket.number}" in text


def test_an_admin_creates_a_trigger(desk):
    response = signed_in(desk.carol).post(f"{TRIGGERS}/new/", trigger_post())

    rule = Trigger.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{TRIGGERS}/{rule.pk}/"
    assert rule.condition == ON_REPLY
    assert rule.actions == [{"type": "set_field", "field": "priority", "value": "urgent"}]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("condition", "{not json", "This is not valid JSON"),
        ("condition", "[1]", "A condition is a JSON object"),
        ("condition", '{"field": "subjekt", "op": "equals", "value": "x"}', "unknown field"),
        ("actions", "{}", "Actions are a JSON list"),
        ("actions", '[{"type": "launch"}]', "unknown action"),
        ("actions", "[]", "at least one action"),
    ],
)
def test_mistakes_are_shown_next_to_their_field(desk, field, value, message):
    response = signed_in(desk.carol).post(f"{TRIGGERS}/new/", trigger_post(**{field: value}))

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert message in response.content.decode()
    assert Trigger.objects.count() == 0


def test_a_duplicate_name_is_shown_on_the_name(desk, triggers):
    response = signed_in(desk.carol).post(f"{TRIGGERS}/new/", trigger_post(name="Mark VIPs"))

    assert response.status_code == 422
    assert "exists" in response.context["form"].errors["name"][0]


def test_editing_keeps_the_position_and_moving_and_deleting(desk, triggers):
    admin = signed_in(desk.carol)
    first = triggers[0]

    edited = admin.post(f"{TRIGGERS}/{first.pk}/", trigger_post(name="Renamed"))
    first.refresh_from_db()
    assert edited.status_code == 302
    assert (first.name, first.position) == ("Renamed", 0)

    assert admin.post(f"{TRIGGERS}/{first.pk}/move/down/").status_code == 302
    assert list(Trigger.objects.values_list("name", flat=True)) == ["Mark VIPs", "Renamed"]

    assert admin.post(f"{TRIGGERS}/{first.pk}/delete/").status_code == 302
    assert list(Trigger.objects.values_list("name", flat=True)) == ["Mark VIPs"]


def test_testing_a_draft_on_a_ticket_saves_and_changes_nothing(desk, make_ticket):
    ticket = make_ticket()
    events = TicketEvent.objects.count()

    response = signed_in(desk.carol).post(
        f"{TRIGGERS}/new/",
        trigger_post()
        | {"test-number": str(ticket.number), "test-event": "customer_replied"}
        | {"test-actor_role": "customer", "_test": "1"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="test-result"')
    assert "Trigger “Escalate” would run: priority urgent" in text
    assert "event.kind equals &quot;customer_replied&quot;: yes" in text
    assert Trigger.objects.count() == 0
    assert TicketEvent.objects.count() == events
    ticket.refresh_from_db()
    assert ticket.priority == 2


def test_the_list_tests_the_active_triggers_and_says_why_others_do_not_fire(
    desk, triggers, make_ticket
):
    ticket = make_ticket()

    response = signed_in(desk.sam).post(
        f"{TRIGGERS}/",
        {"test-number": str(ticket.number), "test-event": "updated", "_test": "1"}
        | {"test-actor_role": "agent"},
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "No rule would fire." in text
    assert "2 rules would not fire" in text
    assert "event.kind equals &quot;customer_replied&quot;: no" in text


def test_an_unknown_ticket_is_explained_in_the_test_result(desk, triggers, make_ticket):
    billing = make_ticket(team=desk.billing)  # sam cannot see it

    response = signed_in(desk.sam).post(
        f"{TRIGGERS}/",
        {"test-number": str(billing.number), "test-event": "updated", "_test": "1"}
        | {"test-actor_role": "agent"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert "The test cannot run" in response.content.decode()
    assert "No such ticket." in response.content.decode()


def test_supervisors_read_and_test_but_do_not_change(desk, triggers, make_ticket):
    sam = signed_in(desk.sam)
    rule = triggers[0]
    page = sam.get(f"{TRIGGERS}/{rule.pk}/")

    assert page.status_code == 200
    assert page.context["form"].fields["name"].disabled
    assert "Save" not in page.content.decode().split("Test this rule")[0].split("</h2>")[-1]
    assert sam.post(f"{TRIGGERS}/{rule.pk}/", trigger_post()).status_code == 403
    assert sam.post(f"{TRIGGERS}/new/", trigger_post()).status_code == 403
    assert sam.post(f"{TRIGGERS}/{rule.pk}/move/down/").status_code == 403
    assert sam.post(f"{TRIGGERS}/{rule.pk}/delete/").status_code == 403
    ticket = make_ticket()
    tested = sam.post(
        f"{TRIGGERS}/{rule.pk}/",
        trigger_post(condition="{}")
        | {"test-number": str(ticket.number), "test-event": "customer_replied"}
        | {"test-actor_role": "customer", "_test": "1"},
    )
    assert tested.status_code == 200
    assert "Trigger “Tag replies” would run: tags +replied" in tested.content.decode()
    assert [r.name for r in Trigger.objects.all()] == ["Tag replies", "Mark VIPs"]


@pytest.mark.parametrize(("who", "status"), [("alice", 403), ("lena", 403), ("bob", 404)])
def test_everyone_else_is_kept_out(desk, triggers, who, status):
    client = signed_in(getattr(desk, who))

    assert client.get(f"{TRIGGERS}/").status_code == status
    assert client.get(f"{TRIGGERS}/{triggers[0].pk}/").status_code == status
    assert client.get(f"{TIME_RULES}/").status_code == status
    assert client.post(f"{TRIGGERS}/", {"test-number": "1", "_test": "1"}).status_code == status
    assert client.post(f"{TRIGGERS}/new/", trigger_post()).status_code == status
    assert Trigger.objects.count() == 2


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(f"{TRIGGERS}/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_posts_need_the_csrf_token(desk, triggers):
    client = signed_in(desk.carol, csrf=True)

    assert client.post(f"{TRIGGERS}/new/", trigger_post()).status_code == 403
    assert client.post(f"{TRIGGERS}/{triggers[0].pk}/delete/").status_code == 403
    assert Trigger.objects.count() == 2


# --- time rules ---------------------------------------------------------------------------


def test_time_rules_are_listed_with_the_defaults(desk):
    page = signed_in(desk.sam).get(f"{TIME_RULES}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Remind the customer after 5 days pending" in text
    assert "Read-only" in text


def test_an_admin_creates_a_time_rule_and_an_unbounded_one_is_refused(desk):
    admin = signed_in(desk.carol)
    post = {
        "name": "Nudge",
        "is_active": "on",
        "condition": json.dumps(PENDING_DAYS),
        "actions": '[{"type": "add_note", "text": "Still waiting."}]',
    }

    created = admin.post(f"{TIME_RULES}/new/", post)
    refused = admin.post(f"{TIME_RULES}/new/", post | {"name": "Always", "condition": "{}"})

    rule = TimeRule.objects.get(name="Nudge")
    assert created.status_code == 302
    assert created["Location"] == f"{TIME_RULES}/{rule.pk}/"
    assert refused.status_code == 422
    assert "hours_since" in " ".join(refused.context["form"].errors["condition"])
    assert not TimeRule.objects.filter(name="Always").exists()


def test_testing_a_time_rule_on_a_ticket(desk, make_ticket):
    ticket = make_ticket()
    post = {
        "name": "Old tickets",
        "condition": json.dumps({"field": "hours_since.created", "op": "gte", "value": 0}),
        "actions": '[{"type": "add_note", "text": "Old."}]',
        "test-number": str(ticket.number),
        "_test": "1",
    }

    response = signed_in(desk.carol).post(f"{TIME_RULES}/new/", post)

    assert response.status_code == 200
    assert "Time rule “Old tickets” would run: add a note" in response.content.decode()
    assert TriggerRun.objects.count() == 0
