"""Similar tickets, answer suggestions, sentiment, training from the database, the pages,
and who may see what."""

import json
from io import StringIO
from typing import Any

from django.core.management import call_command

from frontdesk.ai import actions, store
from frontdesk.ai.choices import Mode, TrainingState
from frontdesk.ai.models import MessageSentiment, TriageModel
from frontdesk.ai.tests.conftest import set_all
from frontdesk.tickets.actions import create_ticket, post_reply, update_ticket
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket

TOPICS = [
    (
        "Printer jam on floor 3",
        "The printer keeps jamming paper on every page.",
        "Open tray 2 and remove the torn sheet, then power cycle it.",
    ),
    (
        "VPN drops every hour",
        "My VPN connection drops every hour since the update.",
        "Update the VPN client to 5.2; the hourly drop is fixed there.",
    ),
    (
        "Invoice shows the wrong VAT",
        "The VAT on invoice 4411 is wrong for our country.",
        "We reissued the invoice with the reverse-charge VAT note.",
    ),
]


def _solved(desk: Any, subject: str, body: str, answer: str) -> Ticket:
    ticket = create_ticket(actor=desk.bob, origin=Origin(), subject=subject, body=body)
    post_reply(actor=desk.carol, origin=Origin(), number=ticket.number, body=answer)
    update_ticket(
        actor=desk.carol,
        origin=Origin(),
        number=ticket.number,
        changes={"team_id": desk.support.pk, "status": "solved"},
        expected_version=None,
    )
    return ticket


def _history(desk: Any, copies: int = 8) -> list[Ticket]:
    solved = []
    for _ in range(copies):
        for subject, body, answer in TOPICS:
            solved.append(_solved(desk, subject, body, answer))
    return solved


def test_training_from_the_database_and_the_planted_duplicate_comes_first(desk, as_user):
    set_all(Mode.OFF)
    _history(desk, copies=8)
    planted = _solved(
        desk,
        "Badge reader rejects my card at the garage door",
        "The garage badge reader blinks red and rejects my card.",
        "Your badge was re-encoded at the front desk.",
    )
    row = actions.train_model(actor=desk.carol, min_examples=5)
    assert row.state == TrainingState.READY, row.error
    assert row.n_examples == 25
    assert row.n_similar == 25
    assert row.sha256
    assert (store.models_dir() / row.file_name).is_file()
    fresh = create_ticket(
        actor=desk.bob,
        origin=Origin(),
        subject="Garage badge reader rejects card",
        body="My badge card is rejected by the garage door reader.",
    )
    response = as_user(desk.alice).get(f"/api/v1/tickets/{fresh.number}/similar")
    assert response.status_code == 200
    found = response.json()
    assert found[0]["number"] == planted.number
    assert found[0]["resolution"] == "Your badge was re-encoded at the front desk."
    assert all(item["number"] != fresh.number for item in found)
    suggestions = as_user(desk.alice).get(f"/api/v1/tickets/{fresh.number}/answer-suggestions")
    assert suggestions.status_code == 200
    texts = [s["text"] for s in suggestions.json()]
    assert texts[0] == "Your badge was re-encoded at the front desk."
    assert len(texts) <= 3
    # Customers never see any of it, even on their own ticket.
    assert as_user(desk.bob).get(f"/api/v1/tickets/{fresh.number}/similar").status_code == 404
    assert (
        as_user(desk.bob).get(f"/api/v1/tickets/{fresh.number}/answer-suggestions").status_code
        == 404
    )


def test_similar_tickets_stay_inside_what_the_agent_sees(desk, as_user):
    set_all(Mode.OFF)
    _history(desk, copies=4)
    hidden = create_ticket(
        actor=desk.bob,
        origin=Origin(),
        subject="Forklift battery swap",
        body="The forklift battery needs a swap.",
    )
    post_reply(actor=desk.carol, origin=Origin(), number=hidden.number, body="Swapped.")
    update_ticket(
        actor=desk.carol,
        origin=Origin(),
        number=hidden.number,
        changes={"team_id": desk.billing.pk, "status": "solved"},
        expected_version=None,
    )
    actions.train_model(min_examples=3)
    fresh = create_ticket(
        actor=desk.bob,
        origin=Origin(),
        subject="Forklift battery",
        body="forklift battery swap please",
    )
    numbers = [
        s["number"]
        for s in as_user(desk.alice).get(f"/api/v1/tickets/{fresh.number}/similar").json()
    ]
    assert hidden.number not in numbers  # billing's ticket; alice is in support
    numbers = [
        s["number"]
        for s in as_user(desk.dave).get(f"/api/v1/tickets/{fresh.number}/similar").json()
    ]
    assert numbers[:1] == [hidden.number]


def test_too_few_tickets_is_a_failed_version_and_the_old_one_stays(desk):
    row = actions.train_model()
    assert row.state == TrainingState.FAILED
    assert "too few" in row.error
    assert actions.active_model() is None


def test_customer_messages_are_scored(desk, as_user):
    ticket = create_ticket(
        actor=desk.bob,
        origin=Origin(),
        subject="Payment failed",
        body="This is UNACCEPTABLE!!! My payment FAILED again, fix it now!",
    )
    post_reply(
        actor=desk.alice, origin=Origin(), number=ticket.number, body="Sorry! Looking at it."
    )
    assert actions.score_new_messages() == 1  # the agent's reply is not scored
    row = MessageSentiment.objects.get(ticket=ticket)
    assert row.compound < -0.5
    assert row.urgency > 0.5
    response = as_user(desk.alice).get(f"/api/v1/tickets/{ticket.number}/sentiment")
    assert response.status_code == 200
    assert response.json()[0]["label"] == "negative"
    assert actions.score_new_messages() == 0


def test_the_ticket_panel_and_the_admin_page(desk, trained, client):
    set_all(Mode.SUGGEST, threshold=0.0)
    ticket = create_ticket(
        actor=desk.bob,
        origin=Origin(),
        subject="Refund my invoice",
        body="I was charged twice, please refund.",
    )
    client.force_login(desk.alice)
    page = client.get(f"/desk/tickets/{ticket.number}/")
    assert page.status_code == 200
    assert f"/desk/ai/tickets/{ticket.number}/panel/" in page.content.decode()
    panel = client.get(f"/desk/ai/tickets/{ticket.number}/panel/", headers={"HX-Request": "true"})
    assert panel.status_code == 200
    html = panel.content.decode()
    assert "billing" in html
    assert "Accept" in html
    assert client.get("/desk/admin/ai/").status_code == 403
    client.force_login(desk.carol)
    admin = client.get("/desk/admin/ai/")
    assert admin.status_code == 200
    text = admin.content.decode()
    assert "Precision" in text
    assert "invoices" in text
    saved = client.post("/desk/admin/ai/settings/team/", {"mode": "shadow", "threshold": "0.8"})
    assert saved.status_code == 302
    bad = client.post("/desk/admin/ai/settings/team/", {"mode": "shadow", "threshold": "7"})
    assert bad.status_code == 422
    client.force_login(desk.bob)
    assert client.get(f"/desk/ai/tickets/{ticket.number}/panel/").status_code == 404


def test_train_now_and_the_command(desk, as_user):
    set_all(Mode.OFF)
    _history(desk, copies=4)
    assert as_user(desk.alice).post("/api/v1/ai/models/train").status_code == 403
    response = as_user(desk.carol).post("/api/v1/ai/models/train")
    assert response.status_code == 202
    assert TriageModel.objects.count() == 1
    out = StringIO()
    call_command("ai", "train", "--min-examples", "3", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["state"] == "ready"
    assert summary["examples"] == 12
    versions = as_user(desk.carol).get("/api/v1/ai/models").json()
    assert [v["version"] for v in versions][:1] == [summary["version"]]


def test_a_tampered_artefact_is_refused(desk, trained):
    path = store.models_dir() / trained.file_name
    path.write_bytes(path.read_bytes() + b"x")
    store._cache.clear()
    assert actions.active_bundle() is None


def test_similar_and_suggestions_cost_the_same_queries_however_many_hits(
    desk, as_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    set_all(Mode.OFF)
    _history(desk, copies=4)
    actions.train_model(min_examples=3)
    fresh = create_ticket(
        actor=desk.bob, origin=Origin(), subject="Printer jam", body="printer jamming paper"
    )
    client = as_user(desk.alice)
    client.get("/api/v1/users/me")
    counts = []
    for limit in (1, 10):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/api/v1/tickets/{fresh.number}/similar?limit={limit}")
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(12):
        client.get(f"/api/v1/tickets/{fresh.number}/answer-suggestions")
