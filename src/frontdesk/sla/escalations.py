"""What a policy does when a clock warns or breaches: tell people, raise the priority, or
hand the ticket to the next support tier. Called by `sla.actions` inside the transaction
that recorded the event, so each runs exactly once per recorded event."""

from datetime import datetime

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Team, User
from frontdesk.notifications.actions import notify
from frontdesk.notifications.choices import NotificationKind
from frontdesk.sla.clocks import Escalation, PolicySpec
from frontdesk.sla.models import Metric, SlaEventKind
from frontdesk.tickets.choices import EventAction, Priority
from frontdesk.tickets.events import SYSTEM_ORIGIN, FieldChange, record_changes, record_event
from frontdesk.tickets.models import Ticket

METRIC_LABELS = dict(Metric.choices)


def escalate(ticket: Ticket, policy: PolicySpec, metric: str, kind: str, *, now: datetime) -> None:
    """Run every escalation of `policy` that applies to this (metric, kind) event."""
    for escalation in policy.escalations:
        if escalation.applies(kind, metric):
            _RUNNERS[escalation.do](ticket, escalation, metric, kind, now)


def _notify_people(
    people: list[User], ticket: Ticket, metric: str, kind: str, now: datetime
) -> None:
    started = ticket.sla_clocks.get(metric, {}).get("started_at", "")
    label = METRIC_LABELS.get(metric, metric).lower()
    text = (
        f"#{ticket.number}: {label} target breached"
        if kind == SlaEventKind.BREACH
        else f"#{ticket.number}: {label} target nearly due"
    )
    notify(
        people,
        kind=NotificationKind.SLA_BREACH
        if kind == SlaEventKind.BREACH
        else NotificationKind.SLA_WARNING,
        text=text,
        ticket=ticket,
        now=now,
        dedupe_key=f"sla:{ticket.pk}:{metric}:{kind}:{started}",
    )


def _notify_assignee(ticket: Ticket, _e: Escalation, metric: str, kind: str, now: datetime) -> None:
    if ticket.assignee is not None:
        _notify_people([ticket.assignee], ticket, metric, kind, now)


def _notify_team(ticket: Ticket, _e: Escalation, metric: str, kind: str, now: datetime) -> None:
    if ticket.team is not None:
        _notify_people(list(ticket.team.members.filter(is_active=True)), ticket, metric, kind, now)


def _notify_supervisors(
    ticket: Ticket, _e: Escalation, metric: str, kind: str, now: datetime
) -> None:
    supervisors = User.objects.filter(is_active=True, role__in=(Role.SUPERVISOR, Role.ADMIN))
    _notify_people(list(supervisors), ticket, metric, kind, now)


def _raise_priority(ticket: Ticket, _e: Escalation, metric: str, kind: str, now: datetime) -> None:
    if ticket.priority >= Priority.URGENT:
        return
    old = ticket.priority
    ticket.priority = old + 1
    _save_escalated(
        ticket,
        FieldChange("priority", Priority(old).label, Priority(ticket.priority).label),
        metric,
        kind,
        now,
    )


def _move_to_team(ticket: Ticket, e: Escalation, metric: str, kind: str, now: datetime) -> None:
    team = Team.objects.filter(slug=e.team).first()
    if team is None or ticket.team_id == team.pk:
        return  # a deleted tier (the admin page warns) or already there
    changes = [FieldChange("team", ticket.team_id, team.pk)]
    if ticket.assignee_id is not None:
        changes.append(FieldChange("assignee", ticket.assignee_id, None))
    ticket.team, ticket.assignee = team, None
    _save_escalated(ticket, changes[0], metric, kind, now, extra=changes[1:])


def _save_escalated(
    ticket: Ticket,
    change: FieldChange,
    metric: str,
    kind: str,
    now: datetime,
    extra: list[FieldChange] | None = None,
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
        new={"kind": kind, "change": change.field},
    )
    record_changes(ticket, [change, *(extra or [])], actor=None, origin=SYSTEM_ORIGIN, now=now)


_RUNNERS = {
    "notify_assignee": _notify_assignee,
    "notify_team": _notify_team,
    "notify_supervisors": _notify_supervisors,
    "raise_priority": _raise_priority,
    "move_to_team": _move_to_team,
}
