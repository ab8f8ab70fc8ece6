"""Reading a ticket's SLA clocks for people: due times, outcomes and how each was derived.

The stored columns say when things are due; the explanation is recomputed here by the same
engine from the same history, so what the page explains is what the actions stored.
"""

from dataclasses import dataclass
from datetime import datetime

from frontdesk.sla import clocks
from frontdesk.sla.actions.deadlines import clock_facts
from frontdesk.sla.engine import Deadline
from frontdesk.sla.models import Metric
from frontdesk.sla.policies import active_policies
from frontdesk.tickets.models import Ticket

METRIC_LABELS = dict(Metric.choices)


@dataclass(frozen=True)
class ClockView:
    metric: str
    label: str
    state: str  # running, warning, paused, achieved, breached (achieved late or overdue)
    due_at: datetime | None
    warn_at: datetime | None
    started_at: datetime
    achieved_at: datetime | None
    explain: tuple[str, ...]


@dataclass(frozen=True)
class TicketSla:
    policy_id: int | None
    policy_name: str | None
    clocks: tuple[ClockView, ...]


def ticket_sla(ticket: Ticket, *, now: datetime) -> TicketSla:
    """The clocks of `ticket` under the policy stored on it, in metric order."""
    specs = {p.spec.id: p.spec for p in active_policies()}
    policy = specs.get(ticket.sla_policy_id or 0)
    if policy is None:
        return TicketSla(ticket.sla_policy_id, None, ())
    previous = clocks.states_from_json(ticket.sla_clocks)
    plan = clocks.plan(policy, clock_facts(ticket, now), previous, now=now)
    views = tuple(
        ClockView(
            metric=metric,
            label=str(METRIC_LABELS[metric]),
            state=_state(deadline),
            due_at=deadline.due_at,
            warn_at=deadline.warn_at,
            started_at=plan.clocks[metric].started_at,
            achieved_at=deadline.achieved_at,
            explain=deadline.explain,
        )
        for metric, deadline in plan.deadlines.items()
    )
    return TicketSla(policy.id, policy.name, views)


def _state(deadline: Deadline) -> str:
    if deadline.breached:
        return "breached"
    if deadline.achieved_at is not None:
        return "achieved"
    if deadline.due_at is None:
        return "paused"
    return "warning" if deadline.warning else "running"
