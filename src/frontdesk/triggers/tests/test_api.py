"""The triggers and time rules API: administrators create, read, replace and delete them;
mistakes come back as `invalid_rule` with the place; supervisors read, agents get 403 and
customers 404; the runs are listed newest first, paged and filtered; and the dry run says
which triggers would fire on a ticket, and why, without writing anything."""

from typing import Any

import pytest
from conftest import Desk

from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.triggers import actions
from frontdesk.triggers.models import TimeRule, Trigger, TriggerRun
from frontdesk.triggers.rulebook import forget_triggers

URL = "/api/v1/triggers"
TIME_URL = "/api/v1/time-rules"
JSON = "application/json"
ON_REPLY = {"all": [{"field": "event.kind", "op": "equals", "value": "customer_replied"}]}
URGENT = [{"type": "set_field", "field": "priority", "value": "urgent"}]
PENDING_5_DAYS = {
    "all": [
        {"field": "status_category", "op": "equals", "value": "pending"},
        {"field": "hours_since.status_changed", "op": "gte", "value": 120},
    ]
}
NOTE = [{"type": "add_note", "text": "Still waiting."}]


def save(desk: Desk, name: str = "Escalate", **kw: Any) -> Trigger:
    kw.setdefault("condition", ON_REPLY)
    kw.setdefault("actions", URGENT)
    rule = actions.save_trigger(actor=desk.carol, name=name, **kw)
    forget_triggers()  # the test's transaction never commits, which would drop the cache
    return rule


# --- triggers -----------------------------------------------------------------------------


def test_admins_create_read_update_and_delete_triggers(desk, as_user):
    admin = as_user(desk.carol)
    body = {"name": "Escalate", "condition": ON_REPLY, "actions": URGENT}

    created = admin.post(URL, body, content_type=JSON)
    assert created.status_code == 201, created.content
    rule = created.json()
    assert rule | {"created_at": None, "updated_at": None} == {
        "id": rule["id"],
        "name": "Escalate",
        "position": 0,
        "is_active": True,
        "condition": ON_REPLY,
        "actions": URGENT,
        "stop_processing": False,
        "created_at": None,
        "updated_at": None,
    }

    changed = admin.put(
        f"{URL}/{rule['id']}",
        body | {"name": "Escalate VIPs", "is_active": False, "stop_processing": True},
        content_type=JSON,
    )
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["is_active"]) == ("Escalate VIPs", False)
    assert admin.get(URL).json()[0]["name"] == "Escalate VIPs"
    assert admin.get(f"{URL}/{rule['id']}").json()["stop_processing"] is True

    assert admin.delete(f"{URL}/{rule['id']}").status_code == 204
    assert admin.get(f"{URL}/{rule['id']}").status_code == 404
    assert admin.put(f"{URL}/{rule['id']}", body, content_type=JSON).status_code == 404


def test_triggers_are_listed_in_run_order(desk, as_user):
    save(desk, name="First")
    save(desk, name="Second")
    third = save(desk, name="Third")
    actions.move_rule(Trigger, actor=desk.carol, rule_id=third.pk, offset=-2)

    listed = as_user(desk.sam).get(URL).json()

    assert [(r["name"], r["position"]) for r in listed] == [
        ("Third", 0),
        ("First", 1),
        ("Second", 2),
    ]


@pytest.mark.parametrize(
    ("condition", "acts", "part", "path"),
    [
        (
            {"field": "subjekt", "op": "equals", "value": "x"},
            URGENT,
            "condition",
            "condition.field",
        ),
        (
            {"all": [{"field": "priority", "op": "bogus", "value": "high"}]},
            URGENT,
            "condition",
            "condition.all[0].op",
        ),
        (ON_REPLY, [{"type": "set_field", "field": "priority", "value": "hot"}], "actions", None),
        (ON_REPLY, [{"type": "nope"}], "actions", "actions[0].type"),
        (ON_REPLY, [], "actions", "actions"),
    ],
)
def test_invalid_triggers_are_refused_with_the_place(desk, as_user, condition, acts, part, path):
    body = {"name": "Bad", "condition": condition, "actions": acts}

    response = as_user(desk.carol).post(URL, body, content_type=JSON)

    assert response.status_code == 422, response.content
    error = response.json()
    assert error["code"] == "invalid_rule"
    assert error["details"]["part"] == part
    if path is not None:
        assert error["details"]["path"] == path
    else:
        assert error["details"]["path"].startswith("actions[0]")
    assert Trigger.objects.count() == 0


def test_names_are_unique_and_bodies_strict(desk, as_user):
    save(desk, name="Escalate")
    admin = as_user(desk.carol)

    duplicate = admin.post(URL, {"name": "Escalate", "actions": URGENT}, content_type=JSON)
    blank = admin.post(URL, {"name": "  ", "actions": URGENT}, content_type=JSON)
    unknown = admin.post(URL, {"name": "X", "actions": URGENT, "when": 1}, content_type=JSON)

    assert (duplicate.status_code, duplicate.json()["code"]) == (422, "duplicate_name")
    assert (blank.status_code, blank.json()["code"]) == (422, "invalid_name")
    assert unknown.status_code == 422


def test_supervisors_read_agents_are_refused_customers_see_nothing(desk, as_user):
    rule = save(desk)
    sam = as_user(desk.sam)
    body = {"name": "X", "actions": URGENT}

    assert sam.get(URL).status_code == 200
    assert sam.get(f"{URL}/{rule.pk}").status_code == 200
    assert sam.post(URL, body, content_type=JSON).json()["code"] == "admin_required"
    assert sam.delete(f"{URL}/{rule.pk}").status_code == 403
    assert as_user(desk.alice).get(URL).json()["code"] == "automation_readers_only"
    assert as_user(desk.alice).post(URL, body, content_type=JSON).status_code == 403
    assert as_user(desk.bob).get(URL).status_code == 404
    assert as_user(desk.bob).post(URL, body, content_type=JSON).status_code == 404
    no_admin_scope = as_user(desk.carol, ("read", "write"))
    refused = no_admin_scope.post(URL, body, content_type=JSON)
    assert (refused.status_code, refused.json()["code"]) == (403, "insufficient_scope")
    assert Trigger.objects.count() == 1


# --- time rules ---------------------------------------------------------------------------


def test_admins_create_read_update_and_delete_time_rules(desk, as_user):
    admin = as_user(desk.carol)
    defaults = len(admin.get(TIME_URL).json())
    body = {"name": "Nudge", "condition": PENDING_5_DAYS, "actions": NOTE}

    created = admin.post(TIME_URL, body, content_type=JSON)
    assert created.status_code == 201, created.content
    rule = created.json()
    assert (rule["condition"], rule["actions"]) == (PENDING_5_DAYS, NOTE)
    assert rule["position"] == defaults  # last
    assert len(admin.get(TIME_URL).json()) == defaults + 1

    changed = admin.put(f"{TIME_URL}/{rule['id']}", body | {"is_active": False}, content_type=JSON)
    assert (changed.status_code, changed.json()["is_active"]) == (200, False)
    assert as_user(desk.sam).get(f"{TIME_URL}/{rule['id']}").json()["name"] == "Nudge"

    assert admin.delete(f"{TIME_URL}/{rule['id']}").status_code == 204
    assert not TimeRule.objects.filter(pk=rule["id"]).exists()


def test_a_time_rule_must_bound_the_time(desk, as_user):
    body = {"name": "Always", "condition": {"all": []}, "actions": NOTE}

    response = as_user(desk.carol).post(TIME_URL, body, content_type=JSON)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_rule"
    assert response.json()["details"] == {"part": "condition", "path": "condition"}
    assert "hours_since" in response.json()["message"]


def test_time_rules_are_closed_to_agents_and_customers(desk, as_user):
    body = {"name": "Nudge", "condition": PENDING_5_DAYS, "actions": NOTE}

    assert as_user(desk.sam).post(TIME_URL, body, content_type=JSON).status_code == 403
    assert as_user(desk.alice).get(TIME_URL).status_code == 403
    assert as_user(desk.bob).get(TIME_URL).status_code == 404


# --- the runs -----------------------------------------------------------------------------


def _reply(desk: Desk, ticket: Ticket, body: str = "Still broken.") -> None:
    ticket_actions.post_reply(actor=desk.bob, origin=Origin(), number=ticket.number, body=body)


def test_runs_are_listed_newest_first_paged_and_filtered(desk, as_user, make_ticket):
    escalate = save(desk, name="Escalate")
    tag = save(desk, name="Tag", actions=[{"type": "add_tags", "tags": ["replied"]}])
    first, second = make_ticket(), make_ticket(subject="Second")
    _reply(desk, first)
    _reply(desk, second)
    sam = as_user(desk.sam)

    everything = sam.get(f"{URL}/runs").json()
    assert len(everything["items"]) == 4
    newest = everything["items"][0]
    assert newest["ticket_number"] == second.number
    assert newest["event"] == "customer_replied"
    assert any("customer_replied" in line for line in newest["why"])

    page = sam.get(f"{URL}/runs?limit=3").json()
    assert len(page["items"]) == 3
    assert page["next_cursor"]
    rest = sam.get(f"{URL}/runs?limit=3&cursor={page['next_cursor']}").json()
    assert len(rest["items"]) == 1
    assert rest["next_cursor"] is None
    seen = [r["id"] for r in page["items"] + rest["items"]]
    assert sorted(seen) == sorted(TriggerRun.objects.values_list("pk", flat=True))

    by_trigger = sam.get(f"{URL}/runs?trigger_id={tag.pk}").json()["items"]
    assert {r["trigger_name"] for r in by_trigger} == {"Tag"}
    by_ticket = sam.get(f"{URL}/runs?ticket={first.number}").json()["items"]
    assert {r["ticket_number"] for r in by_ticket} == {first.number}
    assert {r["trigger_id"] for r in by_ticket} == {escalate.pk, tag.pk}
    changes = {r["trigger_name"]: r["changes"] for r in by_ticket}
    assert changes == {
        "Escalate": {"priority": "urgent"},
        "Tag": {"tags": {"added": ["replied"], "removed": []}},
    }


def test_runs_on_tickets_a_supervisor_cannot_see_are_left_out(desk, as_user, make_ticket):
    save(desk)
    billing = make_ticket(team=desk.billing)
    _reply(desk, billing)

    assert as_user(desk.carol).get(f"{URL}/runs").json()["items"]
    assert as_user(desk.sam).get(f"{URL}/runs").json()["items"] == []


def test_a_forged_cursor_is_a_clear_error(desk, as_user):
    response = as_user(desk.sam).get(f"{URL}/runs?cursor=bogus")

    assert (response.status_code, response.json()["code"]) == (422, "invalid_cursor")


# --- the dry run --------------------------------------------------------------------------


def test_the_dry_run_says_what_would_fire_and_why_and_writes_nothing(desk, as_user, make_ticket):
    save(desk, name="Escalate")
    save(
        desk,
        name="Note VIPs",
        condition={"field": "tags", "op": "contains", "value": "vip"},
        actions=NOTE,
    )
    ticket = make_ticket()
    before = (TicketEvent.objects.count(), TriggerRun.objects.count(), ticket.priority)

    response = as_user(desk.sam).post(
        f"{URL}/test",
        {"number": ticket.number, "event": "customer_replied", "actor_role": "customer"},
        content_type=JSON,
    )

    assert response.status_code == 200, response.content
    run = response.json()
    assert (run["number"], run["event"], run["capped"]) == (
        ticket.number,
        "customer_replied",
        False,
    )
    (fired,) = run["fired"]
    assert fired["name"] == "Escalate"
    assert fired["changes"] == {"priority": "urgent"}
    assert fired["why"] == [
        'all[0] event.kind equals "customer_replied": yes (event.kind is "customer_replied")'
    ]
    (missed,) = run["not_fired"]
    assert missed["name"] == "Note VIPs"
    assert "no" in missed["why"][0]
    ticket.refresh_from_db()
    after = (TicketEvent.objects.count(), TriggerRun.objects.count(), ticket.priority)
    assert after == before


def test_the_dry_run_tries_a_draft_alone(desk, as_user, make_ticket):
    save(desk, name="Escalate")
    ticket = make_ticket(body="The VPN is down, urgent!")
    draft = {
        "name": "Urgent words",
        "condition": {"field": "body", "op": "includes_any", "value": ["urgent", "asap"]},
        "actions": [
            {"type": "add_tags", "tags": ["hot"]},
            {"type": "send_email", "to": "supervisors", "template": "hot"},
        ],
    }

    run = (
        as_user(desk.carol)
        .post(
            f"{URL}/test",
            {"number": ticket.number, "event": "updated", "trigger": draft},
            content_type=JSON,
        )
        .json()
    )

    (fired,) = run["fired"]
    assert (fired["trigger_id"], fired["name"]) == (None, "Urgent words")
    assert fired["changes"] == {"tags": {"added": ["hot"], "removed": []}}
    assert fired["effects"] == [{"type": "send_email", "to": "supervisors", "template": "hot"}]
    assert run["not_fired"] == []


def test_the_dry_run_refuses_an_invalid_draft_and_unseen_tickets(desk, as_user, make_ticket):
    ticket = make_ticket(team=desk.billing)
    bad = {"number": ticket.number, "trigger": {"condition": {}, "actions": [{"type": "x"}]}}

    invalid = as_user(desk.carol).post(f"{URL}/test", bad, content_type=JSON)
    unseen = as_user(desk.sam).post(f"{URL}/test", {"number": ticket.number}, content_type=JSON)
    agent = as_user(desk.dave).post(f"{URL}/test", {"number": ticket.number}, content_type=JSON)
    customer = as_user(desk.bob).post(f"{URL}/test", {"number": 1}, content_type=JSON)

    assert (invalid.status_code, invalid.json()["code"]) == (422, "invalid_rule")
    assert invalid.json()["details"]["path"] == "actions[0].type"
    assert unseen.status_code == 404
    assert agent.status_code == 403
    assert customer.status_code == 404
