"""Escalating a ticket by hand to the next support tier (L1 -> L2 -> L3).

The tiers are the teams' `escalates_to` settings (`routing.models.TeamAssignment`); the SLA
escalation `move_to_team` with `"team": "next_tier"` follows the same chain on a breach.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from frontdesk.accounts.models import Team, User
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, Invalid
from frontdesk.notifications.actions import notify, notify_assigned
from frontdesk.notifications.choices import NotificationKind
from frontdesk.routing.actions import assign_automatically, next_tier_of, record_auto_assignment
from frontdesk.routing.errors import RoutingErrorCode
from frontdesk.tickets.access import access_ticket, require_can_work
from frontdesk.tickets.actions._common import (
    default_status,
    require_not_closed,
    save_ticket,
    set_status,
    touch,
)
from frontdesk.tickets.choices import EventAction, StatusCategory
from frontdesk.tickets.content import clean_text
from frontdesk.tickets.events import FieldChange, Origin, record_changes, record_event
from frontdesk.tickets.models import Ticket

MAX_NOTE_LENGTH = 2000


@dataclass(frozen=True)
class Escalation:
    """What `escalate_ticket` did: the ticket as saved, and the tiers it moved between."""

    ticket: Ticket
    from_team: Team
    to_team: Team


def escalate_ticket(
    *,
    actor: User,
    origin: Origin,
    number: int,
    note: str = "",
    now: datetime | None = None,
) -> Escalation:
    """Move the ticket to its team's next tier, without its assignee; the new team's
    strategy then assigns it (a manual team leaves it in its queue).

    Records an internal `escalated` event (from and to team, the note), the team and
    assignee changes and the automatic decision, and tells the new team's members
    (`escalated`) and a new assignee (`assigned`). A ticket without a team, or whose team is
    the top tier, is a Conflict `no_next_tier` (409).
    """
    now = now or clock.now()
    note = clean_text(note).strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise Invalid(
            "invalid_note", f"An escalation note has at most {MAX_NOTE_LENGTH} characters."
        )
    with transaction.atomic():
        ticket = access_ticket(actor, number, lock=True)  # unseen: 404 before any 403
        require_can_work(actor)
        require_not_closed(ticket)
        from_team = ticket.team
        to_team = next_tier_of(ticket.team_id)
        if from_team is None or to_team is None:
            raise Conflict(
                RoutingErrorCode.NO_NEXT_TIER,
                "This ticket has no team to escalate from."
                if from_team is None
                else f"{from_team.name} is the top tier: it escalates to no other team.",
            )
        assignee_before = ticket.assignee_id
        ticket.team, ticket.assignee = to_team, None
        auto = assign_automatically(ticket, now=now)
        changes = [FieldChange("team", from_team.pk, to_team.pk)]
        if ticket.assignee_id != assignee_before:
            changes.append(FieldChange("assignee", assignee_before, ticket.assignee_id))
        if ticket.status_category == StatusCategory.NEW:
            opened = set_status(ticket, default_status(StatusCategory.OPEN), now)
            changes += [opened] if opened else []
        touch(ticket, now)
        save_ticket(ticket, now)
        record_event(
            ticket,
            EventAction.ESCALATED,
            actor=actor,
            origin=origin,
            now=now,
            field="tier",
            old={"team": from_team.pk, "assignee": assignee_before},
            new={"from_team": from_team.pk, "to_team": to_team.pk, "note": note},
        )
        record_changes(ticket, changes, actor=actor, origin=origin, now=now)
        record_auto_assignment(ticket, auto, now=now)
        _tell(ticket, actor, from_team.name, note, now)
    return Escalation(ticket, from_team, to_team)


def _tell(ticket: Ticket, actor: User, from_name: str, note: str, now: datetime) -> None:
    """The new assignee hears it is theirs; the rest of the new team that it arrived."""
    if ticket.assignee is not None:
        notify_assigned(ticket, actor=actor, now=now)
    members = ticket.team.members.filter(is_active=True) if ticket.team else User.objects.none()
    text = f"{actor} escalated #{ticket.number} from {from_name}: {ticket.subject}"
    if note:
        text += f" — {note}"
    notify(
        members.exclude(pk=ticket.assignee_id) if ticket.assignee_id else members,
        kind=NotificationKind.ESCALATED,
        text=text,
        ticket=ticket,
        actor=actor,
        now=now,
    )
