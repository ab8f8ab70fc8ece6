"""Writers for routing: automatic assignment under the team's lock, a team's settings, an
agent's presence, and the job that takes tickets away from agents who went offline.

Lock order, which keeps these free of deadlocks: the caller's own lock first (the ticket
counter in `create_ticket`, the ticket row in `update_ticket` and in the reassignment job),
then the team's `TeamAssignment` row, then the chosen agent's profile row. Nothing here
locks a ticket after a team, and each reassignment is its own transaction, so no
transaction holds the locks of two teams.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.db import transaction
from django.db.models import Count, Prefetch

from frontdesk.accounts.access import WORKING_ROLES
from frontdesk.accounts.choices import Availability
from frontdesk.accounts.models import AgentProfile, Team, User
from frontdesk.core import clock
from frontdesk.core.errors import Forbidden, Invalid, NotFound
from frontdesk.routing.access import require_team_lead
from frontdesk.routing.assignment import (
    Candidate,
    Choice,
    Request,
    Strategy,
    TicketAssignment,
    choose_assignee,
    next_rr_cursor,
    reassign_candidates,
)
from frontdesk.routing.choices import AssignmentStrategy
from frontdesk.routing.errors import RoutingErrorCode
from frontdesk.routing.models import TeamAssignment
from frontdesk.sla.engine import BusinessCalendar, working_periods
from frontdesk.sla.models import BusinessCalendar as CalendarRow
from frontdesk.sla.models import CalendarHoliday
from frontdesk.sla.policies import calendar_from_row
from frontdesk.tickets.choices import ACTIVE_CATEGORIES, EventAction
from frontdesk.tickets.events import SYSTEM_ORIGIN, FieldChange, record_changes, record_event
from frontdesk.tickets.models import Ticket

# Ticket tags that state what the assignee must know (`skill:german`) or what ranks an
# agent higher under the skills strategy (`prefer-skill:vip`). Tags are what triage rules,
# agents and the API can already set, so skills need no field of their own.
REQUIRED_SKILL_TAG = "skill:"
PREFERRED_SKILL_TAG = "prefer-skill:"
MAX_REASSIGN_DELAY_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class AutoAssignment:
    """One automatic decision: the team's strategy and the engine's choice (whose agent may
    be None: nobody was eligible, and `choice.reason` says why)."""

    strategy: Strategy
    choice: Choice

    @property
    def agent_id(self) -> int | None:
        return self.choice.agent_id

    def event_value(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "assignee": self.choice.agent_id,
            "strategy": self.strategy,
            "reason": self.choice.reason,
        }
        if self.skipped:
            value["skipped"] = self.skipped
        return value

    @property
    def skipped(self) -> dict[str, str]:
        """The online agents passed over and why (off shift, at capacity, lacking a skill),
        by agent id. Agents who are away or offline are left out: presence is the common
        case and would fill the event of a large team."""
        return {
            str(c.agent_id): c.why
            for c in self.choice.considered
            if not c.eligible and not c.why.startswith(("away", "offline", "manual"))
        }


# --- automatic assignment -------------------------------------------------------------


def assign_automatically(
    ticket: Ticket, *, now: datetime, tag_names: Iterable[str] | None = None
) -> AutoAssignment | None:
    """Set `ticket.assignee` by its team's strategy; call inside the caller's transaction,
    before the ticket is saved. The caller records the decision (`record_auto_assignment`).

    Returns None, touching nothing, when there is nothing to decide: no team, an assignee
    already, or a manual team (a team never configured is manual). Otherwise returns the
    decision, also when nobody was eligible and the ticket stays in the queue.

    Serialised per team: the UPDATE of the team's row takes its write lock (a row lock on
    PostgreSQL; on SQLite, where select_for_update does nothing, the database write lock)
    until the caller commits, so the team's next ticket sees this one in the loads and the
    round-robin cursor. A member with a working calendar is on shift when `now` falls in
    one of its working periods; a member without one is always on shift.

    `tag_names` are the ticket's tags while it is unsaved (creation); by default they are
    read from the database.
    """
    if ticket.team_id is None or ticket.assignee_id is not None:
        return None
    locked = (
        TeamAssignment.objects.filter(pk=ticket.team_id)
        .exclude(strategy=AssignmentStrategy.MANUAL)
        .update(updated_at=now)
    )
    if not locked:
        return None
    settings = TeamAssignment.objects.get(pk=ticket.team_id)
    strategy = cast(Strategy, settings.strategy)
    profiles = _assignable_profiles(ticket.team_id)
    names = ticket.tags.values_list("name", flat=True) if tag_names is None else tag_names
    choice = choose_assignee(
        strategy,
        _candidates(profiles, now),
        _request_from_tags(names),
        rr_cursor=settings.rr_cursor,
    )
    if choice.agent_id is not None:
        chosen = next(p for p in profiles if p.user_id == choice.agent_id)
        _hand_over(ticket, chosen.user, settings, choice, now)
    return AutoAssignment(strategy, choice)


def record_auto_assignment(
    ticket: Ticket,
    outcome: AutoAssignment | None,
    *,
    now: datetime,
    replaced: dict[str, Any] | None = None,
) -> None:
    """The audit event of an automatic decision, by the system, internal to staff.

    `new_value` holds the assignee (None: nobody eligible), the strategy and the engine's
    reason; `replaced` (the reassignment job) says whose ticket it was and why it moved.
    """
    if outcome is None:
        return
    record_event(
        ticket,
        EventAction.AUTO_ASSIGNED,
        actor=None,
        origin=SYSTEM_ORIGIN,
        now=now,
        old=replaced,
        new=outcome.event_value(),
    )


def _assignable_profiles(team_id: int) -> list[AgentProfile]:
    """The profiles of the team's members who may hold tickets (light agents may not)."""
    holidays = Prefetch("working_calendar__holidays", queryset=CalendarHoliday.objects.all())
    return list(
        AgentProfile.objects.select_related("user", "working_calendar")
        .prefetch_related(holidays)
        .filter(user__teams=team_id, user__is_active=True, user__role__in=WORKING_ROLES)
    )


def _candidates(profiles: list[AgentProfile], now: datetime) -> list[Candidate]:
    open_tickets = _open_ticket_counts([p.user_id for p in profiles])
    shifts = _on_shift(profiles, now)
    return [
        Candidate(
            agent_id=profile.user_id,
            availability=cast(Any, profile.availability),
            open_tickets=open_tickets.get(profile.user_id, 0),
            capacity=profile.capacity,
            skills=_normalized_skills(profile.skills),
            last_assigned_at=profile.last_assigned_at,
            on_shift=shifts[profile.user_id],
        )
        for profile in profiles
    ]


def _on_shift(profiles: list[AgentProfile], now: datetime) -> dict[int, bool]:
    """Whether `now` falls inside each agent's working hours (no calendar: always). Agents
    sharing a calendar share one evaluation."""
    calendars: dict[int, bool] = {}
    shifts = {}
    for profile in profiles:
        row = profile.working_calendar
        if row is None:
            shifts[profile.user_id] = True
            continue
        if row.pk not in calendars:
            calendars[row.pk] = is_working_time(calendar_from_row(row), now)
        shifts[profile.user_id] = calendars[row.pk]
    return shifts


def is_working_time(calendar: BusinessCalendar, now: datetime) -> bool:
    """Whether the minute starting at `now` is working time in `calendar`."""
    return next(iter(working_periods(calendar, now, now + timedelta(minutes=1))), None) is not None


def working_calendar_row(calendar_id: int | None) -> CalendarRow | None:
    """The calendar row an agent profile may name; None for None."""
    if calendar_id is None:
        return None
    row = CalendarRow.objects.filter(pk=calendar_id).first()
    if row is None:
        raise Invalid(RoutingErrorCode.UNKNOWN_CALENDAR, f"No business calendar {calendar_id}.")
    return row


def _open_ticket_counts(agent_ids: list[int]) -> dict[int, int]:
    """Active tickets per agent, across all teams: capacity is the agent's, not the team's."""
    rows = (
        Ticket.objects.filter(assignee_id__in=agent_ids, status_category__in=ACTIVE_CATEGORIES)
        .values("assignee_id")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("assignee_id", "count")
    )
    return dict(rows)


def _normalized_skills(skills: Any) -> frozenset[str]:
    """Profile skills compared as tags are: lower-case, no whitespace."""
    if not isinstance(skills, list):
        return frozenset()
    return frozenset("".join(s.split()).lower() for s in skills if isinstance(s, str))


def _request_from_tags(tag_names: Iterable[str]) -> Request:
    names = list(tag_names)
    return Request(
        required_skills=_tagged(names, REQUIRED_SKILL_TAG),
        preferred_skills=_tagged(names, PREFERRED_SKILL_TAG),
    )


def _tagged(names: list[str], prefix: str) -> frozenset[str]:
    return frozenset(n.removeprefix(prefix) for n in names if n.startswith(prefix) and n != prefix)


def _hand_over(
    ticket: Ticket, agent: User, settings: TeamAssignment, choice: Choice, now: datetime
) -> None:
    ticket.assignee = agent
    TeamAssignment.objects.filter(pk=settings.pk).update(
        rr_cursor=next_rr_cursor(choice, settings.rr_cursor)
    )
    AgentProfile.objects.filter(user_id=agent.pk).update(last_assigned_at=now)


# --- settings and presence ------------------------------------------------------------


def configure_team_assignment(
    *,
    actor: User,
    team_id: int,
    strategy: str,
    reassign_offline_after_minutes: int | None = None,
    escalates_to: int | None = None,
    now: datetime | None = None,
) -> TeamAssignment:
    """Set how a team's tickets are assigned (admins, and supervisors of that team), and
    its next support tier (`escalates_to`, a team id; None: the top tier).

    The round-robin cursor survives a change of strategy: switching back to round robin
    continues after the agent who last got a ticket. A next tier that is the team itself,
    or whose own chain of tiers leads back to it, is refused (`tier_cycle`).
    """
    now = now or clock.now()
    if not actor.is_staff:
        raise NotFound("No such team.")  # teams are staff-only, as in the team endpoints
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound("No such team.")
    require_team_lead(actor, team.pk)
    if strategy not in AssignmentStrategy.values:
        raise Invalid(
            RoutingErrorCode.UNKNOWN_STRATEGY,
            f"Unknown strategy {strategy!r}; use one of {AssignmentStrategy.values}.",
        )
    delay = reassign_offline_after_minutes
    if delay is not None and not 1 <= delay <= MAX_REASSIGN_DELAY_MINUTES:
        raise Invalid(
            RoutingErrorCode.INVALID_REASSIGN_DELAY,
            f"Reassign after 1 to {MAX_REASSIGN_DELAY_MINUTES} minutes, or never (null).",
        )
    with transaction.atomic():
        next_tier = _checked_next_tier(team, escalates_to)
        settings, _ = TeamAssignment.objects.update_or_create(
            team=team,
            defaults={
                "strategy": strategy,
                "reassign_offline_after_minutes": delay,
                "escalates_to": next_tier,
                "updated_at": now,
            },
        )
    return settings


def _checked_next_tier(team: Team, next_tier_id: int | None) -> Team | None:
    """The team `team` may escalate to. Every team's settings row is locked (in id order)
    while the chain is checked, so two leads linking two teams to each other at the same
    moment cannot make a loop between them."""
    if next_tier_id is None:
        return None
    next_tier = Team.objects.filter(pk=next_tier_id).first()
    if next_tier is None:
        raise Invalid(RoutingErrorCode.UNKNOWN_TEAM, f"No team {next_tier_id} to escalate to.")
    links = dict(
        TeamAssignment.objects.select_for_update()
        .order_by("pk")
        .values_list("pk", "escalates_to_id")
    )
    links[team.pk] = next_tier.pk
    seen = [team.pk]
    step: int | None = next_tier.pk
    while step is not None:
        if step in seen:
            raise Invalid(
                RoutingErrorCode.TIER_CYCLE,
                f"Escalating {team.name} to {next_tier.name} would lead back to {team.name}.",
                {"chain": [*seen, step]},
            )
        seen.append(step)
        step = links.get(step)
    return next_tier


def next_tier_of(team_id: int | None) -> Team | None:
    """The team a ticket of `team_id` escalates to (None: no team, or the top tier)."""
    if team_id is None:
        return None
    return Team.objects.filter(lower_tiers__team_id=team_id).first()


def set_availability(
    *, actor: User, availability: str, now: datetime | None = None
) -> AgentProfile:
    """Set the actor's own presence; going offline starts `offline_since`, coming back
    (online or away) clears it."""
    now = now or clock.now()
    if not (actor.is_active and actor.is_staff):
        raise Forbidden(RoutingErrorCode.NO_PRESENCE, "Only staff have a presence.")
    if availability not in Availability.values:
        raise Invalid(
            RoutingErrorCode.UNKNOWN_AVAILABILITY,
            f"Unknown availability {availability!r}; use one of {Availability.values}.",
        )
    with transaction.atomic():
        profile, _ = AgentProfile.objects.select_for_update().get_or_create(user=actor)
        profile.offline_since = _offline_since(profile, availability, now)
        profile.availability = availability
        profile.save(update_fields=["availability", "offline_since"])
    return profile


def _offline_since(profile: AgentProfile, availability: str, now: datetime) -> datetime | None:
    if availability != Availability.OFFLINE:
        return None
    if profile.availability == Availability.OFFLINE and profile.offline_since is not None:
        return profile.offline_since  # saying "offline" again does not restart the clock
    return now


# --- the reassignment job -------------------------------------------------------------


def reassign_from_offline_agents(*, now: datetime | None = None) -> int:
    """Take the active tickets of agents offline for longer than their team's setting away
    from them and assign them again. A ticket moves only when the team's strategy finds an
    eligible agent; a manual team's tickets go back to its queue, which is what a manual team
    with a limit asks for. Returns how many moved.

    Idempotent: a moved ticket no longer belongs to an offline agent, and each ticket is
    checked again under its row lock. Tickets locked by someone else are skipped until the
    next run, and each ticket is its own transaction (see the lock order above).
    """
    now = now or clock.now()
    return sum(_reassign(ticket_id, now) for ticket_id in sorted(_due_for_reassignment(now)))


def _due_for_reassignment(now: datetime, tickets: Iterable[int] | None = None) -> dict[int, int]:
    """The active tickets whose assignee has been offline too long for the team: ticket id
    to the team's limit in minutes."""
    rows = Ticket.objects.filter(
        status_category__in=ACTIVE_CATEGORIES,
        assignee__agent_profile__availability=Availability.OFFLINE,
        assignee__agent_profile__offline_since__isnull=False,
        team__assignment__reassign_offline_after_minutes__isnull=False,
    )
    if tickets is not None:
        rows = rows.filter(pk__in=list(tickets))
    by_delay: defaultdict[int, list[TicketAssignment]] = defaultdict(list)
    for ticket_id, agent_id, availability, since, minutes in rows.values_list(
        "pk",
        "assignee_id",
        "assignee__agent_profile__availability",
        "assignee__agent_profile__offline_since",
        "team__assignment__reassign_offline_after_minutes",
    ):
        assert minutes is not None  # filtered above
        by_delay[minutes].append((ticket_id, agent_id, availability, since))
    return {
        ticket_id: minutes
        for minutes, assignments in by_delay.items()
        for ticket_id in reassign_candidates(
            assignments, now=now, offline_after=timedelta(minutes=minutes)
        )
    }


def _reassign(ticket_id: int, now: datetime) -> int:
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None:
            return 0  # another transaction holds it: the next run tries again
        minutes = _due_for_reassignment(now, [ticket_id]).get(ticket_id)
        if minutes is None:
            return 0  # the agent came back, or the ticket moved, since the list was read
        previous = ticket.assignee_id
        ticket.assignee = None
        outcome = assign_automatically(ticket, now=now)
        if outcome is not None and outcome.agent_id is None:
            # Nobody can take it now (at night, say): it stays with its owner rather than
            # with nobody, and the next run tries again.
            return 0
        outcome = outcome or _back_to_queue()
        # What tickets.actions' `touch` does; that package imports this module, so not reused.
        ticket.version += 1
        ticket.updated_at = now
        ticket.save(update_fields=["assignee", "version", "updated_at"])
        change = FieldChange("assignee", previous, ticket.assignee_id)
        record_changes(ticket, [change], actor=None, origin=SYSTEM_ORIGIN, now=now)
        replaced = {"assignee": previous, "reason": f"assignee offline for over {minutes} min"}
        record_auto_assignment(ticket, outcome, now=now, replaced=replaced)
    return 1


def _back_to_queue() -> AutoAssignment:
    """The decision for a manual team: nobody; the ticket waits in the team's queue."""
    return AutoAssignment("manual", Choice(None, "manual team: back to the queue", ()))
