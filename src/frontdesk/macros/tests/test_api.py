"""The macros API: list, create with checks, preview for a ticket, apply."""

import pytest

from frontdesk.tickets.models import Message

pytestmark = pytest.mark.django_db

MACRO = {
    "name": "Need logs",
    "body": "Hi {{requester.first_name}}, please send the logs for #{{ticket.number}}.",
    "actions": [{"type": "set_field", "field": "status", "value": "pending"}],
}


def test_an_agent_keeps_a_personal_macro_and_applies_it(desk, as_user, make_ticket):
    ticket = make_ticket()
    client = as_user(desk.alice)
    created = client.post("/api/v1/macros", MACRO, "application/json")
    assert created.status_code == 201, created.content
    macro = created.json()
    assert (macro["visibility"], macro["owner_id"]) == ("personal", desk.alice.pk)
    assert [m["name"] for m in client.get("/api/v1/macros").json()] == ["Need logs"]
    assert as_user(desk.sam).get("/api/v1/macros").json() == []  # personal: alice's

    preview = client.post(
        f"/api/v1/macros/{macro['id']}/preview", {"ticket": ticket.number}, "application/json"
    ).json()
    assert preview["text"] == f"Hi Bob, please send the logs for #{ticket.number}."
    assert preview["changes"] == {"status": "pending"}
    assert preview["summary"] == ["Status → Pending"]

    applied = client.post(
        f"/api/v1/macros/{macro['id']}/apply", {"ticket": ticket.number}, "application/json"
    )
    assert applied.status_code == 200, applied.content
    message = Message.objects.get(pk=applied.json()["message_id"])
    assert message.is_public
    assert message.author_id == desk.alice.pk
    ticket.refresh_from_db()
    assert ticket.status.slug == "pending"
    assert client.get(f"/api/v1/macros/{macro['id']}").json()["usage_count"] == 1


def test_apply_without_posting_returns_the_text(desk, as_user, make_ticket):
    ticket = make_ticket()
    client = as_user(desk.alice)
    macro = client.post("/api/v1/macros", MACRO, "application/json").json()
    before = Message.objects.count()
    response = client.post(
        f"/api/v1/macros/{macro['id']}/apply",
        {"ticket": ticket.number, "post": "none"},
        "application/json",
    ).json()
    assert response["message_id"] is None
    assert response["text"].startswith("Hi Bob")
    assert Message.objects.count() == before


def test_template_injection_is_refused_when_saved(desk, as_user):
    for text in ("{{ ''.__class__ }}", "{{ticket.requester.password}}"):
        response = as_user(desk.alice).post(
            "/api/v1/macros", {**MACRO, "body": text}, "application/json"
        )
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_macro_body"


def test_customers_see_no_macros(desk, as_user):
    assert as_user(desk.bob).get("/api/v1/macros").status_code == 404
    assert as_user(desk.bob).post("/api/v1/macros", MACRO, "application/json").status_code == 404
