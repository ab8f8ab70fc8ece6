"""The field modes on ticket creation: shadow never changes a ticket, suggest shows, auto
applies only at or above the threshold and never over the creator, a rule or the channel;
every prediction is logged and settled against the value agents kept."""

from typing import Any

import pytest

from frontdesk.ai import actions, queries
from frontdesk.ai.choices import Mode, Outcome
from frontdesk.ai.models import Prediction
from frontdesk.ai.tests.conftest import set_all, set_mode
from frontdesk.routing.actions import save_routing_rule
from frontdesk.tickets.actions import create_ticket, update_ticket
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket

REFUND = {
    "subject": "Refund for a wrong invoice",
    "body": "You charged my credit card twice for the invoice, please refund the payment.",
}


def _create(desk: Any, **fields: Any) -> Ticket:
    values = {**REFUND, **fields}
    return create_ticket(
        actor=fields.pop("actor", desk.bob),
        origin=Origin(),
        subject=values.pop("subject"),
        body=values.pop("body"),
        **{k: v for k, v in values.items() if k not in ("actor",)},
    )


def _logged(ticket: Ticket, field: str = "team") -> Prediction:
    return Prediction.objects.get(ticket=ticket, field=field)


def test_shadow_predicts_and_logs_but_never_changes_the_ticket(desk, trained):
    set_all(Mode.SHADOW, threshold=0.0)
    ticket = _create(desk)
    ticket.refresh_from_db()
    assert ticket.team_id is None
    assert ticket.category_id is None
    assert ticket.priority == 2
    assert ticket.type == "question"
    assert list(ticket.tags.all()) == []
    row = _logged(ticket)
    assert (row.value, row.mode, row.outcome, row.model_id) == (
        "billing",
        Mode.SHADOW,
        Outcome.PENDING,
        trained.pk,
    )
    assert row.confidence > 0.5
    assert _logged(ticket, "category").value == "invoices"
    # Agents never see shadow predictions.
    assert queries.suggestions(ticket) == []


def test_suggest_shows_and_accepting_applies_as_the_agents_change(desk, trained, as_user):
    set_all(Mode.SUGGEST, threshold=0.0)
    ticket = _create(desk)
    ticket.refresh_from_db()
    assert ticket.team_id is None  # suggest never applies by itself
    shown = {(p.field, p.value) for p in queries.suggestions(ticket)}
    assert ("team", "billing") in shown
    assert ("category", "invoices") in shown
    row = _logged(ticket)
    response = as_user(desk.carol).post(f"/api/v1/ai/predictions/{row.pk}/accept")
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert ticket.team == desk.billing
    row.refresh_from_db()
    assert (row.outcome, row.final_value, row.decided_by) == (
        Outcome.ACCEPTED,
        "billing",
        desk.carol,
    )
    assert ticket.events.filter(field="team", actor=desk.carol).exists()
    assert ("team", "billing") not in {(p.field, p.value) for p in queries.suggestions(ticket)}
    again = as_user(desk.carol).post(f"/api/v1/ai/predictions/{row.pk}/accept")
    assert again.status_code == 409


def test_auto_applies_only_at_or_above_the_threshold(desk, trained):
    set_all(Mode.OFF)
    set_mode("team", Mode.AUTO, threshold=0.5)
    set_mode("category", Mode.AUTO, threshold=0.999999)
    ticket = _create(desk)
    ticket.refresh_from_db()
    team, category = _logged(ticket), _logged(ticket, "category")
    assert team.confidence >= 0.5
    assert ticket.team == desk.billing
    assert team.outcome == Outcome.APPLIED
    assert category.confidence < 0.999999
    assert ticket.category_id is None
    assert category.outcome == Outcome.PENDING
    # Off fields are not even predicted.
    assert not Prediction.objects.filter(ticket=ticket, field="priority").exists()


def test_auto_never_overrides_an_explicit_value(desk, trained):
    set_all(Mode.AUTO, threshold=0.0)
    ticket = _create(
        desk,
        actor=desk.alice,
        requester_email=desk.bob.email,
        team_id=desk.support.pk,
        priority="low",
        tags=["vip"],
    )
    ticket.refresh_from_db()
    assert ticket.team == desk.support
    assert ticket.priority == 1
    assert sorted(t.name for t in ticket.tags.all()) == ["vip"]
    assert _logged(ticket).outcome == Outcome.PENDING  # still logged, to be measured
    # The unset category was free to take.
    assert ticket.category is not None
    assert ticket.category.slug == "invoices"


def test_auto_never_overrides_a_routing_rule(desk, trained):
    save_routing_rule(
        actor=desk.carol,
        name="Refunds to support",
        condition={"field": "subject", "op": "contains", "value": "refund"},
        actions=[{"type": "set_field", "field": "team", "value": "support"}],
    )
    set_all(Mode.AUTO, threshold=0.0)
    ticket = _create(desk)
    ticket.refresh_from_db()
    assert ticket.team == desk.support
    assert _logged(ticket).value == "billing"
    assert _logged(ticket).outcome == Outcome.PENDING


def test_without_a_model_tickets_are_created_as_before(desk):
    set_all(Mode.AUTO, threshold=0.0)
    ticket = _create(desk)
    assert ticket.team_id is None
    assert not Prediction.objects.filter(ticket=ticket).exists()


def test_predictions_are_settled_against_the_final_value(desk, trained):
    set_all(Mode.SHADOW)
    right = _create(desk)
    wrong = _create(desk)
    for ticket, team in ((right, desk.billing), (wrong, desk.support)):
        update_ticket(
            actor=desk.carol,
            origin=Origin(),
            number=ticket.number,
            changes={"team_id": team.pk, "status": "solved"},
            expected_version=None,
        )
    open_one = _create(desk)
    assert actions.settle_predictions() >= 2
    assert _logged(right).final_value == "billing"
    assert _logged(wrong).final_value == "support"
    assert _logged(right).outcome == Outcome.SETTLED
    assert _logged(open_one).settled_at is None  # still open: not settled yet
    accuracy = {(a.field, a.mode): a for a in queries.production_accuracy(desk.carol)}
    team = accuracy[("team", "shadow")]
    assert (team.settled, team.correct) == (2, 1)
    assert team.accuracy == pytest.approx(0.5)


def test_an_admin_sets_modes_others_may_not(desk, as_user):
    response = as_user(desk.carol).put(
        "/api/v1/ai/settings/team",
        {"mode": "auto", "threshold": 0.95},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"field": "team", "mode": "auto", "threshold": 0.95}
    assert (
        as_user(desk.alice)
        .put("/api/v1/ai/settings/team", {"mode": "off"}, content_type="application/json")
        .status_code
        == 403
    )
    assert as_user(desk.bob).get("/api/v1/ai/settings").status_code == 404
    bad = as_user(desk.carol).put(
        "/api/v1/ai/settings/team", {"mode": "always"}, content_type="application/json"
    )
    assert bad.status_code == 422
