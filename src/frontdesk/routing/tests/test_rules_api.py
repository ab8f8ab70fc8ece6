"""Routing rules through the actions and the API: invalid rules are refused with a code and
a location, only the routing subset of actions is allowed, admins write, supervisors read,
reordering, and the dry run."""

from typing import Any

import pytest
from conftest import Desk

from frontdesk.core.errors import Forbidden, Invalid
from frontdesk.routing.actions import (
    delete_routing_rule,
    move_routing_rule,
    reorder_routing_rules,
    save_routing_rule,
)
from frontdesk.routing.models import RoutingRule
from frontdesk.routing.rulebook import active_rules, forget_rules

TO_BILLING = [{"type": "set_field", "field": "team", "value": "billing"}]
INVOICE = {"field": "subject", "op": "contains", "value": "invoice"}
URL = "/api/v1/routing/rules"


def save(desk: Desk, name: str = "Invoices", **kw: Any) -> RoutingRule:
    kw.setdefault("condition", INVOICE)
    kw.setdefault("actions", TO_BILLING)
    return save_routing_rule(actor=desk.carol, name=name, **kw)


# --- validation -----------------------------------------------------------------------------

INVALID = [
    pytest.param({"field": "subjekt", "op": "contains", "value": "x"}, TO_BILLING,
                 "condition.field", id="unknown-field"),
    pytest.param({"all": [INVOICE, {"field": "priority", "op": "contains", "value": "x"}]},
                 TO_BILLING, "condition.all[1].op", id="operator-for-another-kind"),
    pytest.param({"field": "body", "op": "matches", "value": "(a+)+$"}, TO_BILLING,
                 "condition.value", id="unsafe-regex"),
    pytest.param({"field": "time_of_day", "op": "gte", "value": "25:00"}, TO_BILLING,
                 "condition.value", id="bad-time"),
    pytest.param(INVOICE, [], "actions", id="no-actions"),
    pytest.param(INVOICE, [{"type": "set_field", "field": "priority", "value": "asap"}],
                 "actions[0].value", id="bad-priority"),
    pytest.param(INVOICE, [{"type": "set_field", "field": "status", "value": "open"}],
                 "actions[0].field", id="status-is-not-routing"),
    pytest.param(INVOICE, [{"type": "set_field", "field": "assignee", "value": 3}],
                 "actions[0].field", id="assignee-is-not-routing"),
    pytest.param(INVOICE, [*TO_BILLING, {"type": "assign", "strategy": "round_robin"}],
                 "actions[1].type", id="assign-is-a-trigger-action"),
    pytest.param(INVOICE, [{"type": "add_note", "text": "hi"}], "actions[0].type",
                 id="notes-are-trigger-actions"),
    pytest.param(INVOICE, [{"type": "send_email", "to": "requester", "template": "x"}],
                 "actions[0].type", id="emails-are-trigger-actions"),
    pytest.param(INVOICE, [{"type": "webhook", "webhook_id": 1}], "actions[0].type",
                 id="webhooks-are-trigger-actions"),
    pytest.param(INVOICE, [{"type": "apply_macro", "macro_id": 1}], "actions[0].type",
                 id="macros-are-trigger-actions"),
]  # fmt: skip


@pytest.mark.parametrize(("condition", "actions", "path"), INVALID)
def test_invalid_rules_are_refused_with_where(desk, condition, actions, path):
    with pytest.raises(Invalid) as caught:
        save(desk, condition=condition, actions=actions)

    assert caught.value.code == "invalid_rule"
    assert caught.value.details == {"part": path.split(".")[0].split("[")[0], "path": path}
    assert RoutingRule.objects.count() == 0


def test_trigger_actions_are_refused_with_a_clear_message(desk):
    with pytest.raises(Invalid, match="'assign' is for triggers, not routing rules"):
        save(desk, actions=[{"type": "assign", "strategy": "round_robin"}])


def test_rules_are_stored_in_canonical_form(desk):
    stored = save(
        desk,
        condition={},
        actions=[
            {"type": "add_tags", "tags": ["VIP Customer", "vip customer"]},
            {"type": "set_field", "field": "priority", "value": 4},
        ],
    )

    assert stored.condition == {"all": []}
    assert stored.actions == [
        {"type": "add_tags", "tags": ["vipcustomer"]},
        {"type": "set_field", "field": "priority", "value": "urgent"},
    ]


@pytest.mark.parametrize(
    ("name", "code"),
    [("", "invalid_name"), ("x" * 101, "invalid_name"), ("Taken", "duplicate_name")],
)
def test_names_are_required_and_unique(desk, name, code):
    save(desk, name="Taken")

    with pytest.raises(Invalid) as caught:
        save(desk, name=name)

    assert caught.value.code == code


@pytest.mark.parametrize("who", ["sam", "alice", "bob"])
def test_only_admins_change_rules(desk, who):
    existing = save(desk)
    user = getattr(desk, who)

    with pytest.raises(Forbidden):
        save_routing_rule(actor=user, name="Mine", condition={}, actions=TO_BILLING)
    with pytest.raises(Forbidden):
        delete_routing_rule(actor=user, rule_id=existing.pk)
    with pytest.raises(Forbidden):
        reorder_routing_rules(actor=user, rule_ids=[existing.pk])


# --- order ----------------------------------------------------------------------------------


def test_new_rules_go_last_and_reordering_lists_every_rule(desk):
    a, b, c = (save(desk, name=n) for n in "abc")
    assert [r.position for r in (a, b, c)] == [0, 1, 2]

    reorder_routing_rules(actor=desk.carol, rule_ids=[c.pk, a.pk, b.pk])
    forget_rules()

    assert [r.name for r in active_rules()] == ["c", "a", "b"]
    with pytest.raises(Invalid) as caught:
        reorder_routing_rules(actor=desk.carol, rule_ids=[c.pk, a.pk])
    assert caught.value.code == "invalid_order"


def test_moving_a_rule_up_and_down(desk):
    a, _b, c = (save(desk, name=n) for n in "abc")

    move_routing_rule(actor=desk.carol, rule_id=c.pk, offset=-1)
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["a", "c", "b"]
    move_routing_rule(actor=desk.carol, rule_id=a.pk, offset=-1)  # already first
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["a", "c", "b"]


def test_a_change_is_seen_after_commit_in_this_process(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save(desk)
    assert [r.name for r in active_rules()] == ["Invoices"]
    with django_capture_on_commit_callbacks(execute=True):
        save(desk, name="Second")
    assert [r.name for r in active_rules()] == ["Invoices", "Second"]


# --- the API ----------------------------------------------------------------------------------


def test_admins_create_read_update_and_delete_rules(desk, as_user):
    admin = as_user(desk.carol)
    body = {"name": "Invoices", "condition": INVOICE, "actions": TO_BILLING}

    created = admin.post(URL, body, content_type="application/json")
    assert created.status_code == 201, created.content
    rule = created.json()
    assert rule | {"created_at": None, "updated_at": None} == {
        "id": rule["id"],
        "name": "Invoices",
        "position": 0,
        "is_active": True,
        "condition": INVOICE,
        "actions": TO_BILLING,
        "stop_processing": False,
        "created_at": None,
        "updated_at": None,
    }

    changed = admin.put(
        f"{URL}/{rule['id']}",
        body | {"name": "Bills", "is_active": False, "stop_processing": True},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["is_active"]) == ("Bills", False)
    assert admin.get(URL).json()[0]["name"] == "Bills"
    assert admin.get(f"{URL}/{rule['id']}").json()["stop_processing"] is True

    assert admin.delete(f"{URL}/{rule['id']}").status_code == 204
    assert admin.get(f"{URL}/{rule['id']}").status_code == 404


def test_the_api_refuses_an_invalid_rule_with_its_location(desk, as_user):
    body = {"name": "Bad", "condition": INVOICE, "actions": [{"type": "add_note", "text": "x"}]}

    response = as_user(desk.carol).post(URL, body, content_type="application/json")

    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid_rule"
    assert error["details"] == {"part": "actions", "path": "actions[0].type"}


def test_supervisors_read_but_do_not_write(desk, as_user):
    rule = save(desk)
    sam = as_user(desk.sam, ("read", "write"))

    assert sam.get(URL).status_code == 200
    assert sam.get(f"{URL}/{rule.pk}").status_code == 200
    assert sam.delete(f"{URL}/{rule.pk}").status_code == 403
    assert as_user(desk.alice).get(URL).json()["code"] == "routing_rule_readers_only"
    assert as_user(desk.bob).get(URL).status_code == 404


# --- the dry run ------------------------------------------------------------------------------


def test_the_dry_run_says_which_rules_fire_and_why(desk, as_user):
    save(desk, name="Invoices")
    save(
        desk,
        name="Enterprise",
        condition={"field": "organization_tier", "op": "equals", "value": "enterprise"},
        actions=[{"type": "set_field", "field": "priority", "value": "high"}],
    )
    save(desk, name="Off", condition={}, actions=TO_BILLING, is_active=False)
    forget_rules()

    response = as_user(desk.sam, ("read", "write")).post(
        f"{URL}/test",
        {"ticket": {"subject": "Invoice 7", "tags": ["Mine"]}},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    result = response.json()
    assert [f["name"] for f in result["fired"]] == ["Invoices"]
    assert result["fired"][0]["why"] == ['subject contains "invoice": yes (subject is "Invoice 7")']
    assert result["fired"][0]["changes"] == {"team": "billing"}
    assert result["fired"][0]["skipped"] == {}
    assert [c["name"] for c in result["not_fired"]] == ["Enterprise"]
    assert "organization_tier is not set" in result["not_fired"][0]["why"][0]
    assert result["ticket"] == {
        "team": "billing",
        "category": None,
        "priority": "normal",
        "type": "question",
        "tags": ["mine"],
        "custom_fields": {},
    }
    assert RoutingRule.objects.count() == 3  # nothing written


def test_the_dry_run_tries_a_draft_and_reports_what_would_be_skipped(desk, as_user):
    draft = {
        "condition": {"field": "time_of_day", "op": "gte", "value": "18:00"},
        "actions": [{"type": "set_field", "field": "team", "value": "night-desk"}],
    }
    client = as_user(desk.carol)

    evening = client.post(
        f"{URL}/test",
        {"ticket": {"subject": "x"}, "now": "2026-03-02T19:00:00Z", "rule": draft},
        content_type="application/json",
    ).json()
    morning = client.post(
        f"{URL}/test",
        {"ticket": {"subject": "x"}, "now": "2026-03-02T09:00:00Z", "rule": draft},
        content_type="application/json",
    ).json()

    assert evening["fired"][0]["rule_id"] is None
    assert evening["fired"][0]["skipped"] == {"team": "no team 'night-desk'"}
    assert morning["fired"] == []


def test_the_dry_run_keeps_the_sample_creators_values(desk, as_user):
    draft = {"condition": {}, "actions": TO_BILLING}

    result = (
        as_user(desk.carol)
        .post(
            f"{URL}/test",
            {"ticket": {"team": "support"}, "rule": draft},
            content_type="application/json",
        )
        .json()
    )

    assert result["fired"][0]["kept"] == ["team"]
    assert result["ticket"]["team"] == "support"


def test_the_dry_run_refuses_an_invalid_draft(desk, as_user):
    draft = {"condition": {"field": "nope", "op": "equals", "value": 1}, "actions": TO_BILLING}

    response = as_user(desk.carol).post(
        f"{URL}/test", {"ticket": {}, "rule": draft}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["details"] == {"part": "condition", "path": "condition.field"}
