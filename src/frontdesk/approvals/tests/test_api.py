"""The approvals API: what waits for me, deciding, and the rules (administrators)."""

import json
from typing import Any

from frontdesk.approvals.models import ApprovalRequest, ApprovalRule
from frontdesk.tickets.models import Ticket


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_my_pending_approvals(desk: Any, rule: Any, service_request: Any, as_user: Any) -> None:
    rule()
    ticket = service_request()
    items = as_user(desk.sam).get("/api/v1/approvals").json()["items"]
    assert [(i["ticket_number"], i["state"], i["approvers"][0]["id"]) for i in items] == [
        (ticket.number, "pending", desk.sam.pk)
    ]
    assert as_user(desk.alice).get("/api/v1/approvals").json()["items"] == []
    assert as_user(desk.bob).get("/api/v1/approvals").status_code == 404


def test_approve_and_reject_through_the_api(
    desk: Any, rule: Any, service_request: Any, as_user: Any
) -> None:
    rule()
    first, second = service_request(), service_request()
    sam = as_user(desk.sam)
    one = ApprovalRequest.objects.get(ticket=first)
    response = post(sam, f"/api/v1/approvals/{one.pk}/approve", {"comment": "Go ahead"})
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["decided_by_id"]) == ("approved", desk.sam.pk)
    assert post(sam, f"/api/v1/approvals/{one.pk}/approve", {}).json()["code"] == "already_decided"

    two = ApprovalRequest.objects.get(ticket=second)
    assert post(sam, f"/api/v1/approvals/{two.pk}/reject", {}).status_code == 422
    response = post(sam, f"/api/v1/approvals/{two.pk}/reject", {"comment": "No"})
    assert response.json()["state"] == "rejected"
    assert Ticket.objects.get(pk=second.pk).status_category == "solved"
    alice = post(as_user(desk.alice), f"/api/v1/approvals/{two.pk}/approve", {})
    assert (alice.status_code, alice.json()["code"]) == (403, "not_approver")
    assert post(as_user(desk.dave), f"/api/v1/approvals/{two.pk}/approve", {}).status_code == 404


def test_rules_crud(desk: Any, as_user: Any) -> None:
    carol = as_user(desk.carol)
    body = {"name": "Hardware", "approver_kind": "user", "approver_id": desk.sam.pk}
    created = post(carol, "/api/v1/approvals/rules", body)
    assert created.status_code == 201, created.content
    rule = created.json()
    assert (rule["ticket_type"], rule["category"], rule["is_active"]) == (
        "service_request",
        None,
        True,
    )
    url = f"/api/v1/approvals/rules/{rule['id']}"
    changed = carol.put(
        url,
        json.dumps({"name": "Leads", "approver_kind": "team_lead", "ticket_type": "task"}),
        content_type="application/json",
    )
    assert changed.json()["approver_id"] is None
    assert [r["name"] for r in carol.get("/api/v1/approvals/rules").json()] == ["Leads"]
    assert as_user(desk.sam).get("/api/v1/approvals/rules").status_code == 403
    assert as_user(desk.bob).get("/api/v1/approvals/rules").status_code == 404
    assert carol.delete(url).status_code == 204
    assert not ApprovalRule.objects.exists()
    assert carol.get(url).status_code == 404


def test_rule_validation(desk: Any, as_user: Any) -> None:
    carol = as_user(desk.carol)
    cases = [
        ({"name": "A", "approver_kind": "user"}, "invalid_approver"),
        ({"name": "A", "approver_kind": "user", "approver_id": desk.bob.pk}, "invalid_approver"),
        (
            {"name": "A", "approver_kind": "team_lead", "approver_id": desk.sam.pk},
            "invalid_approver",
        ),
        ({"name": "A", "approver_kind": "boss"}, "invalid_approver"),
        ({"name": "A", "approver_kind": "team_lead", "ticket_type": "x"}, "unknown_type"),
        ({"name": "A", "approver_kind": "team_lead", "category": "nope"}, "unknown_category"),
        ({"name": "A", "approver_kind": "team_lead", "colour": "red"}, "validation_error"),
    ]
    for body, code in cases:
        response = post(carol, "/api/v1/approvals/rules", body)
        assert (response.status_code, response.json()["code"]) == (422, code), body
    post(carol, "/api/v1/approvals/rules", {"name": "A", "approver_kind": "team_lead"})
    again = post(carol, "/api/v1/approvals/rules", {"name": "A", "approver_kind": "team_lead"})
    assert again.json()["code"] == "duplicate_name"
