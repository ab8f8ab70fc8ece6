"""Shared by the routing tests: a three-agent team and small helpers around it."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from frontdesk.accounts.actions import create_team, create_user
from frontdesk.accounts.models import AgentProfile, Team, User
from frontdesk.routing.actions import configure_team_assignment, set_availability
from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket, TicketEvent

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ORIGIN = Origin()


@dataclass
class Crew:
    """A team of three agents (ids ascending in name order), all online, round robin."""

    team: Team
    ann: User
    ben: User
    cid: User

    @property
    def agents(self) -> list[User]:
        return [self.ann, self.ben, self.cid]


def build_crew(admin: User) -> Crew:
    ann, ben, cid = agent("ann"), agent("ben"), agent("cid")
    team = create_team(actor=None, name="Frontline", member_ids=[ann.pk, ben.pk, cid.pk])
    configure_team_assignment(actor=admin, team_id=team.pk, strategy="round_robin", now=NOW)
    for member in (ann, ben, cid):
        set_availability(actor=member, availability="online", now=NOW)
    return Crew(team, ann, ben, cid)


def agent(name: str) -> User:
    return create_user(actor=None, email=f"{name}@example.com", name=name.title(), role="agent")


def profile_of(user: User, **fields: Any) -> None:
    AgentProfile.objects.filter(user=user).update(**fields)


def assignees(tickets: list[Ticket]) -> list[int | None]:
    return [t.assignee_id for t in tickets]


def auto_events(ticket: Ticket) -> list[TicketEvent]:
    events = TicketEvent.objects.filter(ticket=ticket, action=EventAction.AUTO_ASSIGNED)
    return list(events.order_by("pk"))


def decisions(ticket: Ticket) -> list[dict[str, Any]]:
    """What each automatic-assignment event of the ticket says: assignee, strategy, reason."""
    return [cast(dict[str, Any], event.new_value) for event in auto_events(ticket)]
