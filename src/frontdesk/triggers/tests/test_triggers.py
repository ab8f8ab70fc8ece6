"""Triggers on real ticket events: each event kind runs them, each action does what it
says (or is skipped with the reason), every firing is recorded on the ticket and in the
runs table, and triggers that re-fire each other stop at the firing cap."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import Desk

from frontdesk.automation.actions import MacroEffect
from frontdesk.core.errors import Invalid
from frontdesk.notifications.models import Notification
from frontdesk.routing.tests.crew import build_crew
from frontdesk.sla.actions import save_calendar, save_policy, sweep_due_tickets
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import EventAction, MessageKind
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import (
    Category,
    CustomFieldDefinition,
    Message,
    Ticket,
    TicketEvent,
    TicketFollower,
)
from frontdesk.triggers import actions
from frontdesk.triggers.actions.apply import EFFECT_HANDLERS, EffectContext, EffectOutcome
from frontdesk.triggers.models import TriggerRun
from frontdesk.triggers.rulebook import forget_triggers

ORIGIN = Origin()
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def trigger(desk: Desk, name: str, condition: dict[str, Any], acts: list[Any], **kw: Any) -> Any:
    saved = actions.save_trigger(
        actor=desk.carol, name=name, condition=condition, actions=acts, now=NOW, **kw
    )
    forget_triggers()  # the test's transaction never commits, which would drop the cache
    return saved


def when(kind: str) -> dict[str, Any]:
    return {"all": [{"field": "event.kind", "op": "equals", "value": kind}]}


def tag(name: str) -> list[dict[str, Any]]:
    return [{"type": "add_tags", "tags": [name]}]


def tags_of(ticket: Ticket) -> set[str]:
    return set(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True))


def triggered(ticket: Ticket) -> list[dict[str, Any]]:
    events = TicketEvent.objects.filter(ticket=ticket, action=EventAction.TRIGGERED)
    return [dict(e.new_value or {}) for e in events.order_by("pk")]


def _sla_policy(desk: Desk) -> None:
    calendar = save_calendar(
        actor=desk.carol,
        name="24x7",
        time_zone="UTC",
        weekly={str(d): [["00:00", "00:00"]] for d in range(7)},
    )
    save_policy(
        actor=desk.carol,
        name="Fast",
        calendar_id=calendar.pk,
        targets=[
            {
                "priority": "normal",
                "metric": "first_response",
                "minutes": 60,
                "business_hours": False,
            }
        ],
    )


# --- each event ---------------------------------------------------------------------------

type Step = Callable[[Desk, Ticket], Any]


def _update(desk: Desk, ticket: Ticket) -> Any:
    return ticket_actions.update_ticket(
        actor=desk.alice,
        origin=ORIGIN,
        number=ticket.number,
        changes={"priority": "high"},
        expected_version=None,
        now=NOW + timedelta(minutes=1),
    )


def _status(desk: Desk, ticket: Ticket) -> Any:
    return ticket_actions.update_ticket(
        actor=desk.alice,
        origin=ORIGIN,
        number=ticket.number,
        changes={"status": "pending"},
        expected_version=None,
        now=NOW + timedelta(minutes=1),
    )


def _claim(desk: Desk, ticket: Ticket) -> Any:
    return ticket_actions.claim_ticket(actor=desk.alice, origin=ORIGIN, number=ticket.number)


def _customer_reply(desk: Desk, ticket: Ticket) -> Any:
    return ticket_actions.post_reply(
        actor=desk.bob, origin=ORIGIN, number=ticket.number, body="Still broken."
    )


def _agent_reply(desk: Desk, ticket: Ticket) -> Any:
    return ticket_actions.post_reply(
        actor=desk.alice, origin=ORIGIN, number=ticket.number, body="Looking into it."
    )


def _note(desk: Desk, ticket: Ticket) -> Any:
    return ticket_actions.add_note(
        actor=desk.alice, origin=ORIGIN, number=ticket.number, body="Internal."
    )


def _reopen(desk: Desk, ticket: Ticket) -> Any:
    return ticket_actions.reopen_ticket(actor=desk.alice, origin=ORIGIN, number=ticket.number)


def _status_solved(desk: Desk, ticket: Ticket) -> Any:
    return ticket_actions.update_ticket(
        actor=desk.alice,
        origin=ORIGIN,
        number=ticket.number,
        changes={"status": "solved"},
        expected_version=None,
    )


def _auto_close(desk: Desk, ticket: Ticket) -> Any:
    ticket_actions.close_solved_tickets(now=datetime.now(UTC) + timedelta(days=30))


def _sla_warning(desk: Desk, ticket: Ticket) -> Any:
    return sweep_due_tickets(now=NOW + timedelta(minutes=50))


def _sla_breach(desk: Desk, ticket: Ticket) -> Any:
    return sweep_due_tickets(now=NOW + timedelta(hours=2))


EVENTS: list[tuple[str, str, Step]] = [
    ("updated", "updated", _update),
    ("status_changed", "status_changed", _status),
    ("assigned", "assigned", _claim),
    ("customer_replied", "customer_replied", _customer_reply),
    ("agent_replied", "agent_replied", _agent_reply),
    ("note", "updated", _note),
    ("reopen", "status_changed", _reopen),
    ("auto_close", "status_changed", _auto_close),
    ("sla_warning", "sla_warning", _sla_warning),
    ("sla_breach", "sla_breach", _sla_breach),
]


@pytest.mark.parametrize(("name", "kind", "step"), EVENTS, ids=[e[0] for e in EVENTS])
def test_each_event_runs_the_triggers(
    desk: Desk, make_ticket: Any, name: str, kind: str, step: Step
) -> None:
    if name.startswith("sla"):
        _sla_policy(desk)
    ticket = make_ticket(now=NOW)
    if name in ("reopen", "auto_close"):
        _status_solved(desk, ticket)  # before the trigger exists
    trigger(desk, f"On {kind}", when(kind), tag(f"seen-{kind}"))
    step(desk, ticket)
    record = [r for r in triggered(ticket) if r["rule"] == f"On {kind}"]
    assert len(record) == 1, triggered(ticket)
    assert record[0]["event"] == kind
    assert record[0]["kind"] == "trigger"
    if name == "auto_close":  # a closed ticket takes no more changes, and the record says so
        assert record[0]["skipped"] == {"tags": "closed tickets cannot be changed"}
    else:
        assert f"seen-{kind}" in tags_of(ticket)
        assert record[0]["changes"] == {"tags": {"added": [f"seen-{kind}"], "removed": []}}
    assert any("event.kind equals" in line and ": yes" in line for line in record[0]["why"])
    assert TriggerRun.objects.filter(ticket=ticket, event=kind).count() == 1


def test_created_runs_the_triggers_with_the_first_message(desk: Desk, make_ticket: Any) -> None:
    trigger(
        desk,
        "Urgent words",
        {"all": [*when("created")["all"], {"field": "body", "op": "contains", "value": "smokes"}]},
        [{"type": "set_field", "field": "priority", "value": "urgent"}],
    )
    ticket = make_ticket()
    assert Ticket.objects.get(pk=ticket.pk).priority == 4
    assert triggered(ticket)[0]["event"] == "created"


def test_a_trigger_that_matches_nothing_records_nothing(desk: Desk, make_ticket: Any) -> None:
    trigger(desk, "Never", when("sla_breach"), tag("never"))
    ticket = make_ticket()
    _update(desk, ticket)
    assert triggered(ticket) == []
    assert not TriggerRun.objects.exists()


def test_change_conditions_see_the_update(desk: Desk, make_ticket: Any) -> None:
    ticket = make_ticket()
    trigger(
        desk,
        "Escalated",
        {"field": "priority", "op": "changed_from", "value": "normal"},
        tag("escalated"),
    )
    _update(desk, ticket)
    assert "escalated" in tags_of(ticket)
    why = triggered(ticket)[0]["why"]
    assert why == ['priority changed_from "normal": yes (priority changed from normal to high)']


def test_each_trigger_fires_once_per_event_and_in_order(desk: Desk, make_ticket: Any) -> None:
    ticket = make_ticket()
    trigger(desk, "First", when("updated"), tag("one"))
    trigger(desk, "Second", {"field": "tags", "op": "contains", "value": "one"}, tag("two"))
    _update(desk, ticket)
    assert [r["rule"] for r in triggered(ticket)] == ["First", "Second"]
    assert {"one", "two"} <= tags_of(ticket)


def test_stop_processing_ends_the_run(desk: Desk, make_ticket: Any) -> None:
    ticket = make_ticket()
    trigger(desk, "Stopper", when("updated"), tag("one"), stop_processing=True)
    trigger(desk, "Later", when("updated"), tag("two"))
    _update(desk, ticket)
    assert [r["rule"] for r in triggered(ticket)] == ["Stopper"]
    assert triggered(ticket)[0]["stopped"] is True


# --- each action --------------------------------------------------------------------------


def _setup_category(desk: Desk) -> None:
    Category.objects.create(name="Hardware", slug="hardware")


def _setup_field(desk: Desk) -> None:
    CustomFieldDefinition.objects.create(key="plan", label="Plan", field_type="text")


ACTIONS: list[tuple[str, dict[str, Any], Callable[[Desk, Ticket], None]]] = [
    (
        "set_status",
        {"type": "set_field", "field": "status", "value": "pending"},
        lambda d, t: _check(t.status_category == "pending"),
    ),
    (
        "set_priority",
        {"type": "set_field", "field": "priority", "value": "urgent"},
        lambda d, t: _check(t.priority == 4),
    ),
    (
        "set_type",
        {"type": "set_field", "field": "type", "value": "incident"},
        lambda d, t: _check(t.type == "incident"),
    ),
    (
        "set_team",
        {"type": "set_field", "field": "team", "value": "billing"},
        lambda d, t: _check(t.team_id == d.billing.pk),
    ),
    (
        "set_category",
        {"type": "set_field", "field": "category", "value": "hardware"},
        lambda d, t: _check(t.category is not None and t.category.slug == "hardware"),
    ),
    (
        "set_assignee",
        {"type": "set_field", "field": "assignee", "value": None},  # id filled in below
        lambda d, t: _check(t.assignee_id == d.alice.pk),
    ),
    ("add_tags", {"type": "add_tags", "tags": ["vip"]}, lambda d, t: _check("vip" in tags_of(t))),
    (
        "remove_tags",
        {"type": "remove_tags", "tags": ["old"]},
        lambda d, t: _check("old" not in tags_of(t)),
    ),
    (
        "set_custom_field",
        {"type": "set_custom_field", "key": "plan", "value": "gold"},
        lambda d, t: _check(t.custom_fields == {"plan": "gold"}),
    ),
    (
        "add_follower",
        {"type": "add_follower", "user_id": 0},  # sam's id filled in below
        lambda d, t: _check(TicketFollower.objects.filter(ticket=t, user=d.sam).exists()),
    ),
    (
        "add_note",
        {"type": "add_note", "text": "Checked by a trigger."},
        lambda d, t: _check(
            Message.objects.filter(
                ticket=t, kind=MessageKind.NOTE, is_public=False, author=None
            ).count()
            == 1
        ),
    ),
    (
        "send_email_to_staff",
        {"type": "send_email", "to": "supervisors", "template": "heads_up"},
        lambda d, t: _check(
            Notification.objects.filter(recipient=d.sam, ticket=t, kind="system").exists()
        ),
    ),
]


def _check(condition: bool) -> None:
    assert condition


@pytest.mark.parametrize(("name", "action", "check"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_each_action(
    desk: Desk,
    make_ticket: Any,
    name: str,
    action: dict[str, Any],
    check: Callable[[Desk, Ticket], None],
) -> None:
    if name == "set_category":
        _setup_category(desk)
    if name == "set_custom_field":
        _setup_field(desk)
    action = dict(action)
    if name == "set_assignee":
        action["value"] = desk.alice.pk
    if name == "add_follower":
        action["user_id"] = desk.sam.pk
    ticket = make_ticket(tags=["old"])
    trigger(desk, "Act", when("updated"), [action])
    _update(desk, ticket)
    check(desk, Ticket.objects.get(pk=ticket.pk))
    record = triggered(ticket)[0]
    assert "skipped" not in record, record
    assert all(effect["done"] for effect in record["effects"]), record


def test_assign_by_strategy_uses_the_teams_engine(desk: Desk) -> None:
    crew = build_crew(desk.carol)
    ticket = ticket_actions.create_ticket(
        actor=desk.carol,
        origin=ORIGIN,
        subject="Help",
        body="Please.",
        requester_email=desk.bob.email,
        now=NOW,
    )
    trigger(
        desk,
        "To the frontline",
        when("updated"),
        [
            {"type": "set_field", "field": "team", "value": crew.team.slug},
            {"type": "assign", "strategy": "round_robin"},
        ],
    )
    _update(desk, ticket)
    ticket.refresh_from_db()
    assert ticket.team_id == crew.team.pk
    assert ticket.assignee_id in {a.pk for a in crew.agents}
    assert triggered(ticket)[0]["effects"][0]["type"] == "assign"


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        ({"type": "send_email", "to": "requester", "template": "ack"}, "outbound email"),
        # Carried out by the webhooks and macros apps, which skip what does not exist.
        ({"type": "webhook", "webhook_id": 3}, "no webhook with id 3"),
        ({"type": "apply_macro", "macro_id": 4}, "no active macro with id 4"),
    ],
    ids=["send_email_to_requester", "webhook", "apply_macro"],
)
def test_effects_nothing_carries_out_yet_are_skipped_with_the_reason(
    desk: Desk, make_ticket: Any, action: dict[str, Any], reason: str, monkeypatch: Any
) -> None:
    from frontdesk.triggers.actions import apply

    monkeypatch.setattr(apply, "_outbox_queue_email", lambda: None)
    ticket = make_ticket()
    trigger(desk, "Later", when("updated"), [action])
    _update(desk, ticket)
    (effect,) = triggered(ticket)[0]["effects"]
    assert effect["done"] is False
    assert reason in effect["reason"]


def test_a_change_the_ticket_refuses_is_skipped_and_the_event_still_happens(
    desk: Desk, make_ticket: Any
) -> None:
    ticket = make_ticket()
    trigger(
        desk,
        "Bad",
        when("updated"),
        [
            {"type": "set_field", "field": "status", "value": "no-such-status"},
            {"type": "add_tags", "tags": ["fine"]},
        ],
    )
    _update(desk, ticket)
    ticket.refresh_from_db()
    assert ticket.priority == 3  # the agent's update stands
    assert "fine" in tags_of(ticket)
    record = triggered(ticket)[0]
    assert "no-such-status" in record["skipped"]["status"]


def test_saving_a_trigger_checks_it_with_the_engine(desk: Desk) -> None:
    with pytest.raises(Invalid) as caught:
        trigger(desk, "Broken", {"field": "priority", "op": "contains", "value": 1}, tag("x"))
    assert caught.value.code == "invalid_rule"
    assert caught.value.details["part"] == "condition"
    assert caught.value.details["path"] == "condition.op"
    with pytest.raises(Invalid) as caught:
        trigger(desk, "Broken", {}, [{"type": "set_field", "field": "nope", "value": 1}])
    assert caught.value.details["path"] == "actions[0].field"


# --- loops --------------------------------------------------------------------------------


def test_two_triggers_that_undo_each_other_fire_once_each_per_event(
    desk: Desk, make_ticket: Any
) -> None:
    ticket = make_ticket(tags=["ping"])
    trigger(
        desk,
        "Ping",
        {"field": "tags", "op": "contains", "value": "ping"},
        [{"type": "remove_tags", "tags": ["ping"]}, {"type": "add_tags", "tags": ["pong"]}],
    )
    trigger(
        desk,
        "Pong",
        {"field": "tags", "op": "contains", "value": "pong"},
        [{"type": "remove_tags", "tags": ["pong"]}, {"type": "add_tags", "tags": ["ping"]}],
    )
    _update(desk, ticket)
    assert [r["rule"] for r in triggered(ticket)] == ["Ping", "Pong"]
    assert tags_of(ticket) == {"ping"}


def test_triggers_that_re_fire_each_other_through_effects_stop_at_the_cap(
    desk: Desk, make_ticket: Any, monkeypatch: Any
) -> None:
    """A macro that updates the ticket (as the macro app will) is a new event in the same
    chain: Ping's macro turns ping into pong, which fires Pong, whose macro turns it back...
    The chain's budget of firings stops it, and the record says so."""
    swaps = {1: ("ping", "pong"), 2: ("pong", "ping")}

    def apply_macro(context: EffectContext, effect: MacroEffect) -> EffectOutcome:
        old, new = swaps[effect.macro_id]
        names = set(context.ticket.tags.values_list("name", flat=True)) - {old} | {new}
        ticket_actions.update_ticket(
            actor=desk.alice,
            origin=ORIGIN,
            number=context.ticket.number,
            changes={"tags": sorted(names)},
            expected_version=None,
        )
        return EffectOutcome(done=True)

    monkeypatch.setitem(EFFECT_HANDLERS, MacroEffect, apply_macro)
    ticket = make_ticket()
    trigger(
        desk,
        "Ping",
        {"field": "tags", "op": "contains", "value": "ping"},
        [{"type": "apply_macro", "macro_id": 1}],
    )
    trigger(
        desk,
        "Pong",
        {"field": "tags", "op": "contains", "value": "pong"},
        [{"type": "apply_macro", "macro_id": 2}],
    )
    ticket_actions.update_ticket(
        actor=desk.alice,
        origin=ORIGIN,
        number=ticket.number,
        changes={"tags": ["ping"]},
        expected_version=None,
    )
    runs = TriggerRun.objects.filter(ticket=ticket).order_by("pk")
    fired = [r for r in runs if not r.capped or r.effects]
    assert len([r for r in runs if r.why and "firing cap" not in r.why[0]]) == actions.MAX_FIRINGS
    capped = [r for r in runs if r.capped]
    assert capped, "the cap is recorded"
    assert "firing cap" in capped[-1].why[0]
    assert capped[-1].trigger_name in {"Ping", "Pong"}
    assert any(record.get("capped") for record in triggered(ticket))
    assert len(fired) >= actions.MAX_FIRINGS
