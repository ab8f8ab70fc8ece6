"""What a policy does when a clock warns or breaches: tell people, raise the priority, or
hand the ticket to the next support tier. Run by `sla.actions` inside the transaction that
recorded the event, so each runs exactly once per recorded event.

Notifications are collected in an `EscalationRun` and written together at the end of a
sweep batch (`notify_each`), so telling the assignees of 1,000 breached tickets costs a few
queries per person rather than several per ticket.
"""

from dataclasses import dataclass, field
from datetime import datetime

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Team, User
from frontdesk.notifications.actions import Notice, notify_each
from frontdesk.notifications.choices import NotificationKind
from frontdesk.sla.clocks import Escalation, PolicySpec
from frontdesk.sla.models import Metric, SlaEventKind
from frontdesk.tickets.choices import EventAction, Priority
from frontdesk.tickets.events import SYSTEM_ORIGIN, FieldChange, record_changes, record_event
from frontdesk.tickets.models import Ticket

METRIC_LABELS = dict(Metric.choices)
# `move_to_team` with this as its team: the ticket's team's next tier, not a fixed team.
NEXT_TIER = "next_tier"


@dataclass
class EscalationRun:
    """The escalations of one batch: notices to write, and the people looked up so far."""

    now: datetime
    notices: list[Notice] = field(default_factory=list)
    _team_members: dict[int, list[User]] = field(default_factory=dict)
    _supervisors: list[User] | None = None

    def escalate(self, ticket: Ticket, policy: PolicySpec, metric: str, kind: str) -> None:
        """Run every escalation of `policy` that applies to this (metric, kind) event."""
        for escalation in policy.escalations:
            if escalation.applies(kind, metric):
                _RUNNERS[escalation.do](self, ticket, escalation, metric, kind)

    def finish(self) -> int:
        """Write the collected notifications; returns how many were written."""
        written = notify_each(self.notices, now=self.now)
        self.notices.clear()
        return written

    def tell(self, people: list[User], ticket: Ticket, metric: str, kind: str) -> None:
        started = ticket.sla_clocks.get(metric, {}).get("started_at", "")
        label = METRIC_LABELS.get(metric, metric).lower()
        breach = kind == SlaEventKind.BREACH
        text = f"#{ticket.number}: {label} target {'breached' if breach else 'nearly due'}"
        notice_kind = NotificationKind.SLA_BREACH if breach else NotificationKind.SLA_WARNING
        key = f"sla:{ticket.pk}:{metric}:{kind}:{started}"
        self.notices += [Notice(person, notice_kind, text, ticket, key) for person in people]

    def team_members(self, team_id: int) -> list[User]:
        if team_id not in self._team_members:
            members = User.objects.filter(teams=team_id, is_active=True)
            self._team_members[team_id] = list(members)
        return self._team_members[team_id]

    def supervisors(self) -> list[User]:
        if self._supervisors is None:
            roles = (Role.SUPERVISOR, Role.ADMIN)
            self._supervisors = list(User.objects.filter(is_active=True, role__in=roles))
        return self._supervisors


def _notify_assignee(
    run: EscalationRun, ticket: Ticket, _e: Escalation, metric: str, kind: str
) -> None:
    if ticket.assignee is not None:
        run.tell([ticket.assignee], ticket, metric, kind)


def _notify_team(
    run: EscalationRun, ticket: Ticket, _e: Escalation, metric: str, kind: str
) -> None:
    if ticket.team_id is not None:
        run.tell(run.team_members(ticket.team_id), ticket, metric, kind)


def _notify_supervisors(
    run: EscalationRun, ticket: Ticket, _e: Escalation, metric: str, kind: str
) -> None:
    run.tell(run.supervisors(), ticket, metric, kind)


def _raise_priority(
    run: EscalationRun, ticket: Ticket, _e: Escalation, metric: str, kind: str
) -> None:
    if ticket.priority >= Priority.URGENT:
        return
    old = ticket.priority
    ticket.priority = old + 1
    change = FieldChange("priority", Priority(old).label, Priority(ticket.priority).label)
    _save_escalated(ticket, [change], metric, kind, run.now)


def _move_to_team(
    run: EscalationRun, ticket: Ticket, e: Escalation, metric: str, kind: str
) -> None:
    if e.team == NEXT_TIER:
        # The ticket's team's next support tier (`routing.TeamAssignment.escalates_to`).
        if ticket.team_id is None:
            return
        team = Team.objects.filter(lower_tiers__team_id=ticket.team_id).first()
    else:
        team = Team.objects.filter(slug=e.team).first()
    if team is None or ticket.team_id == team.pk:
        return  # a deleted tier (the admin page warns), the top tier, or already there
    changes = [FieldChange("team", ticket.team_id, team.pk)]
    if ticket.assignee_id is not None:
        changes.append(FieldChange("assignee", ticket.assignee_id, None))
    ticket.team, ticket.assignee = team, None
    _save_escalated(ticket, changes, metric, kind, run.now)


def _save_escalated(
    ticket: Ticket, changes: list[FieldChange], metric: str, kind: str, now: datetime
) -> None:
    # Imported here: sla.actions runs the escalations, and a changed ticket needs its
    # deadlines recomputed by the same function every other action uses.
    from frontdesk.sla.actions.deadlines import refresh_deadlines

    ticket.version += 1
    ticket.updated_at = now
    refresh_deadlines(ticket, now=now)
    ticket.save()
    record_event(
        ticket,
        EventAction.ESCALATED,
        actor=None,
        origin=SYSTEM_ORIGIN,
        now=now,
        field=metric,
        new={"kind": kind, "change": changes[0].field},
    )
    record_changes(ticket, changes, actor=None, origin=SYSTEM_ORIGIN, now=now)


_RUNNERS = {
    "notify_assignee": _notify_assignee,
    "notify_team": _notify_team,
    "notify_supervisors": _notify_supervisors,
    "raise_priority": _raise_priority,
    "move_to_team": _move_to_team,
}
