"""SLA actions: keeping a ticket's deadlines current, and the sweep that records warnings and
breaches exactly once and runs the policy's escalations (docs/adr/0008).

`refresh_deadlines` is called by every ticket action that changes what the clocks read
(status, priority, replies, team, tags...), inside its transaction and before it saves the
ticket. The sweep finds due tickets by a range scan of `next_deadline_at`.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection, transaction

from frontdesk.core import clock
from frontdesk.sla import clocks
from frontdesk.sla.clocks import NO_SLA, ClockFacts, ClockState, PolicySpec, SlaPlan
from frontdesk.sla.escalations import EscalationRun
from frontdesk.sla.models import SlaEvent, SlaEventKind
from frontdesk.sla.policies import active_policies, choose_policy
from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.events import SYSTEM_ORIGIN, build_event
from frontdesk.tickets.facts import system_event, ticket_facts
from frontdesk.tickets.models import Status, Ticket, TicketEvent
from frontdesk.triggers.hooks import sla_trigger_events

SWEEP_BATCH = 500
SWEEP_MAX_BATCHES = 40  # one run handles at most 20,000 due tickets; the next run goes on

SLA_COLUMNS = (
    "sla_policy",
    "first_response_due_at",
    "next_response_due_at",
    "periodic_update_due_at",
    "resolution_due_at",
    "next_due_at",
    "next_deadline_at",
    "sla_clocks",
)


def refresh_deadlines(
    ticket: Ticket, *, now: datetime | None = None, tags: Iterable[str] | None = None
) -> SlaPlan:
    """Recompute `ticket`'s SLA columns from its history (the caller saves the row) and
    record the breaches of clocks achieved too late since the last sweep. `tags`: the
    ticket's tags when the caller holds newer ones than the database (creation)."""
    now = now or clock.now()
    policies = active_policies()
    if not policies and ticket.sla_policy_id is None:
        return NO_SLA
    tag_names = None if tags is None else list(tags)
    policy = choose_policy(
        policies,
        lambda: (ticket_facts(ticket, tags=tag_names), system_event("updated", now)),
        now=now,
    )
    previous = clocks.states_from_json(ticket.sla_clocks)
    plan = clocks.plan(policy, clock_facts(ticket, now), previous, now=now)
    _apply(ticket, plan)
    if plan.late:
        _record(ticket, policy, [(metric, SlaEventKind.BREACH) for metric in plan.late], now)
    return plan


def clock_facts(ticket: Ticket, now: datetime) -> ClockFacts:
    return ClockFacts(
        created_at=ticket.created_at,
        priority=ticket.priority,
        status_category=ticket.status_category,
        status_changes=status_history(ticket, now),
        first_response_at=ticket.first_response_at,
        awaiting_agent_since=ticket.awaiting_agent_since,
        last_agent_reply_at=ticket.last_agent_reply_at,
    )


def status_history(ticket: Ticket, now: datetime) -> tuple[tuple[datetime, str], ...]:
    """(time, status category) transitions from creation on, from the audit trail, plus the
    change the calling action is making (its event is written after the save)."""
    if ticket._state.adding:  # being created: no history yet
        return ((ticket.created_at, ticket.status_category),)
    rows = list(
        TicketEvent.objects.filter(ticket=ticket, action=EventAction.CHANGED, field="status")
        .order_by("created_at", "id")
        .values_list("created_at", "old_value", "new_value")
    )
    if not rows:
        return ((ticket.created_at, ticket.status_category),)
    category_of = dict(Status.objects.values_list("slug", "category"))
    changes = [(ticket.created_at, category_of.get(str(rows[0][1]), ticket.status_category))]
    changes += [(at, category_of.get(str(new), changes[-1][1])) for at, _old, new in rows]
    if changes[-1][1] != ticket.status_category:
        changes.append((max(now, changes[-1][0]), ticket.status_category))
    return tuple(changes)


def sweep_due_tickets(*, now: datetime | None = None) -> int:
    """Record every warning and breach due by `now`, once, and escalate; returns how many
    tickets were handled. Safe with several sweepers: PostgreSQL hands each due row to one
    of them (SKIP LOCKED); SQLite runs write transactions one at a time."""
    now = now or clock.now()
    handled = 0
    for _ in range(SWEEP_MAX_BATCHES):
        with transaction.atomic():
            batch = _lock_due_tickets(now, SWEEP_BATCH)
            _handle_due(batch, now)
        handled += len(batch)
        if len(batch) < SWEEP_BATCH:
            break
    return handled


def _lock_due_tickets(now: datetime, limit: int) -> list[Ticket]:
    due = (
        Ticket.objects.filter(next_deadline_at__lte=now)
        .select_related("assignee", "team")
        .order_by("next_deadline_at", "id")
    )
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    return list(due[:limit])


def _handle_due(tickets: Sequence[Ticket], now: datetime) -> None:
    policies = {p.spec.id: p.spec for p in active_policies()}
    sla_events: list[SlaEvent] = []
    audit: list[TicketEvent] = []
    escalations = EscalationRun(now)
    due: dict[int, str] = {}  # ticket id -> the trigger event: sla_breach over sla_warning
    for ticket in tickets:
        states = clocks.states_from_json(ticket.sla_clocks)
        pending = [(m, kind) for m, s in states.items() for kind in s.pending_events(now)]
        if pending:
            breach = any(kind == SlaEventKind.BREACH for _, kind in pending)
            due[ticket.pk] = "sla_breach" if breach else "sla_warning"
        policy = policies.get(ticket.sla_policy_id or 0)
        sla_events += _sla_events(ticket, states, pending, now)
        audit += _audit_events(ticket, states, pending, policy, now)
        states = clocks.recorded(states, pending)
        ticket.sla_clocks = {m: s.as_json() for m, s in states.items()}
        ticket.next_deadline_at = SlaPlan(ticket.sla_policy_id, states).next_deadline_at
        if policy is not None:
            for metric, kind in pending:
                escalations.escalate(ticket, policy, metric, kind)
    SlaEvent.objects.bulk_create(sla_events, ignore_conflicts=True)
    TicketEvent.objects.bulk_create(audit)
    # No live message per ticket: recording a warning or breach changes nothing a list or
    # ticket page shows (their due badges turn red by themselves, in the browser), and a
    # message per ticket was 2,000 NOTIFYs for 1,000 breaches. Escalations that change a
    # ticket announce it through the usual audit writers.
    Ticket.objects.bulk_update(tickets, ["sla_clocks", "next_deadline_at"], batch_size=500)
    escalations.finish()
    sla_trigger_events(due, now=now)  # triggers see the tickets as escalations left them


def _apply(ticket: Ticket, plan: SlaPlan) -> None:
    ticket.sla_policy_id = plan.policy_id
    ticket.first_response_due_at = plan.due_at("first_response")
    ticket.next_response_due_at = plan.due_at("next_response")
    ticket.periodic_update_due_at = plan.due_at("periodic_update")
    ticket.resolution_due_at = plan.due_at("resolution")
    ticket.next_due_at = plan.next_due_at
    ticket.next_deadline_at = plan.next_deadline_at
    ticket.sla_clocks = plan.clocks_json()


def _record(
    ticket: Ticket, policy: PolicySpec | None, events: list[tuple[str, str]], now: datetime
) -> None:
    states = clocks.states_from_json(ticket.sla_clocks)
    SlaEvent.objects.bulk_create(_sla_events(ticket, states, events, now), ignore_conflicts=True)
    TicketEvent.objects.bulk_create(_audit_events(ticket, states, events, policy, now))
    # No escalation: these clocks are already achieved, so there is nothing left to speed up.


def _sla_events(
    ticket: Ticket, states: dict[str, ClockState], events: list[tuple[str, str]], now: datetime
) -> list[SlaEvent]:
    return [
        SlaEvent(
            ticket=ticket,
            policy_id=ticket.sla_policy_id,
            metric=metric,
            kind=kind,
            clock_started_at=states[metric].started_at,
            due_at=_event_time(states[metric], kind),
            created_at=now,
        )
        for metric, kind in events
    ]


def _audit_events(
    ticket: Ticket,
    states: dict[str, ClockState],
    events: list[tuple[str, str]],
    policy: PolicySpec | None,
    now: datetime,
) -> list[TicketEvent]:
    action = {
        SlaEventKind.WARNING: EventAction.SLA_WARNING,
        SlaEventKind.BREACH: EventAction.SLA_BREACH,
    }
    return [
        build_event(
            ticket,
            action[SlaEventKind(kind)],
            actor=None,
            origin=SYSTEM_ORIGIN,
            now=now,
            field=metric,
            new={
                "due_at": _event_time(states[metric], kind).isoformat(),
                "policy": policy.name if policy else None,
            },
        )
        for metric, kind in events
    ]


def _event_time(state: ClockState, kind: str) -> datetime:
    moment = state.warn_at if kind == SlaEventKind.WARNING else state.due_at
    return moment or state.started_at
