"""The read side of routing, behind the same checks as the writers: team settings, routing
rules, and the dry run of routing rules on a sample ticket."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from frontdesk.accounts.access import WORKING_ROLES, is_admin, team_ids
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import AgentProfile, Team, User
from frontdesk.automation.conditions import PRIORITY_RANKS, EventFacts, TicketFacts, explain
from frontdesk.automation.rules import Rule
from frontdesk.core.errors import Forbidden, NotFound
from frontdesk.routing.access import require_rules_reader, require_team_lead
from frontdesk.routing.decide import Decision, Explicit, decide
from frontdesk.routing.errors import RoutingErrorCode
from frontdesk.routing.models import RoutingRule, TeamAssignment
from frontdesk.routing.rulebook import active_rules
from frontdesk.tickets.models import Category


def team_assignment(user: User, team_id: int) -> TeamAssignment:
    """The team's settings (an unsaved manual default if never configured), for its leads."""
    if not user.is_staff:
        raise NotFound("No such team.")
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound("No such team.")
    require_team_lead(user, team.pk)
    found = TeamAssignment.objects.filter(pk=team.pk).first()
    return found or TeamAssignment(team=team)


def led_teams(user: User) -> list[Team]:
    """The teams whose settings `user` may change (admins: all; supervisors: their own),
    by name, each with its settings row (`team.assignment_row`, None when never set) and
    next tier loaded. Agents get 403 and customers 404, as for one team."""
    if not user.is_staff:
        raise NotFound("No such team.")
    teams = Team.objects.order_by("name", "pk")
    if not is_admin(user):
        if user.role != Role.SUPERVISOR:
            raise Forbidden(
                RoutingErrorCode.TEAM_LEAD_REQUIRED,
                "Only administrators and supervisors change assignment settings.",
            )
        teams = teams.filter(pk__in=team_ids(user))
    rows = {
        row.pk: row
        for row in TeamAssignment.objects.select_related("escalates_to").filter(
            pk__in=[t.pk for t in teams]
        )
    }
    found = list(teams)
    for team in found:
        team.assignment_row = rows.get(team.pk)  # type: ignore[attr-defined]
    return found


def led_agents(user: User) -> list[AgentProfile]:
    """The routing profiles `user` may change: every active agent, supervisor and admin for
    admins; the members of their teams for supervisors. By name. Someone who never had a
    profile gets an unsaved one with the defaults (saved when first changed)."""
    teams = led_teams(user)
    people = User.objects.filter(is_active=True, role__in=WORKING_ROLES)
    if not is_admin(user):
        people = people.filter(teams__in=[t.pk for t in teams]).distinct()
    people = people.select_related("agent_profile__working_calendar").order_by("name", "pk")
    profiles = []
    for person in people:
        try:
            profiles.append(person.agent_profile)
        except AgentProfile.DoesNotExist:
            profiles.append(AgentProfile(user=person))
    return profiles


# --- routing rules ------------------------------------------------------------------------


def routing_rules(user: User) -> QuerySet[RoutingRule]:
    """Every routing rule, active or not, in the order they run (supervisors and admins)."""
    require_rules_reader(user)
    return RoutingRule.objects.order_by("position", "pk")


def routing_rule(user: User, rule_id: int) -> RoutingRule:
    found = routing_rules(user).filter(pk=rule_id).first()
    if found is None:
        raise NotFound("No such routing rule.")
    return found


@dataclass(frozen=True)
class SampleTicket:
    """A new ticket as the dry run imagines it: plain values, the facts' vocabulary.
    `team`, `category`, a priority other than normal, a type other than question, `tags`
    and `custom_fields` count as set by the creator, as they would at creation."""

    subject: str = ""
    body: str = ""
    channel: str = "email"
    mailbox: str | None = None
    type: str = "question"
    priority: str = "normal"
    requester_email: str = "customer@example.com"
    organization: str | None = None
    organization_tier: str | None = None
    tags: tuple[str, ...] = ()
    custom_fields: Mapping[str, Any] = field(default_factory=dict)
    team: str | None = None
    category: str | None = None

    def facts(self, now: datetime) -> TicketFacts:
        email = self.requester_email.strip().lower()
        return TicketFacts(
            subject=self.subject,
            body=self.body,
            channel=self.channel,
            mailbox=self.mailbox or None,
            type=self.type,
            priority=PRIORITY_RANKS[self.priority],
            status="new",
            status_category="new",
            team=self.team or None,
            assignee_id=None,
            requester_email=email,
            requester_domain=email.rpartition("@")[2],
            organization=self.organization or None,
            organization_tier=self.organization_tier or None,
            tags=frozenset(self.tag_names()),
            custom_fields=dict(self.custom_fields),
            category=self.category or None,
            created_at=now,
            updated_at=now,
        )

    def tag_names(self) -> list[str]:
        return [name for tag in self.tags if (name := "".join(tag.split()).lower())]

    def explicit(self) -> Explicit:
        fields = {"team": self.team, "category": self.category}
        chosen = {name for name, value in fields.items() if value}
        chosen |= {"priority"} if self.priority != "normal" else set()
        chosen |= {"type"} if self.type != "question" else set()
        return Explicit(
            frozenset(chosen), frozenset(self.tag_names()), frozenset(self.custom_fields)
        )


@dataclass(frozen=True)
class RuleCheck:
    """A rule that did not fire, with its explanation against the final facts."""

    rule: Rule
    explanation: tuple[str, ...]


@dataclass(frozen=True)
class DryRun:
    decision: Decision
    not_fired: tuple[RuleCheck, ...]
    missing: Mapping[int, Mapping[str, str]]  # rule id -> change -> why it would be skipped


def dry_run(
    user: User, sample: SampleTicket, *, now: datetime, rules: Sequence[Rule] | None = None
) -> DryRun:
    """Which rules would fire for `sample` and why, changing nothing. `rules`: a draft to
    try instead of the active rules (the admin page's "test this rule")."""
    require_rules_reader(user)
    candidates = active_rules() if rules is None else tuple(rules)
    now = timezone.localtime(now)
    decision = decide(candidates, sample.facts(now), sample.explicit(), now=now)
    fired = {firing.rule_id for firing in decision.firings}
    event = EventFacts(kind="created", actor_role="system", occurred_at=now)
    not_fired = tuple(
        RuleCheck(rule, tuple(explain(rule.condition, decision.final, event, now=now)))
        for rule in candidates
        if rule.id not in fired
    )
    return DryRun(decision, not_fired, _missing_rows(decision))


def _missing_rows(decision: Decision) -> dict[int, dict[str, str]]:
    """The team and category slugs the firings name that do not exist (skipped at creation)."""
    named = {
        name: {f.changes[name] for f in decision.firings if f.changes.get(name)}
        for name in ("team", "category")
    }
    existing = {
        "team": _existing_slugs(Team.objects.all(), named["team"]),
        "category": _existing_slugs(Category.objects.all(), named["category"]),
    }
    missing: dict[int, dict[str, str]] = {}
    for firing in decision.firings:
        for name in ("team", "category"):
            slug = firing.changes.get(name)
            if slug and slug not in existing[name]:
                missing.setdefault(firing.rule_id, {})[name] = f"no {name} {slug!r}"
    return missing


def _existing_slugs(rows: QuerySet[Any], slugs: set[str]) -> set[str]:
    if not slugs:
        return set()
    return set(rows.filter(slug__in=slugs).values_list("slug", flat=True))
