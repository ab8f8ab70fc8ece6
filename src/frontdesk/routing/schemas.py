from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from ninja import Field, Schema

from frontdesk.accounts.models import AgentProfile, Team
from frontdesk.api.schemas import InputSchema
from frontdesk.automation.conditions import CHANNELS, PRIORITY_NAMES, TICKET_TYPES
from frontdesk.routing.actions import MAX_REASSIGN_DELAY_MINUTES
from frontdesk.routing.actions.profiles import MAX_CAPACITY, MAX_SKILL_LENGTH, MAX_SKILLS
from frontdesk.routing.actions.rules import MAX_POSITION
from frontdesk.routing.models import RoutingRule, TeamAssignment
from frontdesk.routing.queries import DryRun
from frontdesk.tickets.actions.escalate import MAX_NOTE_LENGTH, Escalation

StrategyName = Literal["manual", "round_robin", "load_balanced", "skills"]
AvailabilityName = Literal["online", "away", "offline"]


class TeamAssignmentOut(Schema):
    team_id: int
    strategy: StrategyName
    reassign_offline_after_minutes: int | None = Field(
        description="Tickets of an agent offline for longer go back through assignment; "
        "null: never."
    )
    escalates_to: int | None = Field(
        description="The next support tier: the team id that Escalate sends this team's "
        "tickets to; null: the top tier."
    )

    @staticmethod
    def of(settings: TeamAssignment) -> "TeamAssignmentOut":
        return TeamAssignmentOut(
            team_id=settings.team_id,
            strategy=settings.strategy,  # type: ignore[arg-type]
            reassign_offline_after_minutes=settings.reassign_offline_after_minutes,
            escalates_to=settings.escalates_to_id,
        )


class TeamAssignmentIn(InputSchema):
    strategy: StrategyName
    reassign_offline_after_minutes: int | None = Field(None, ge=1, le=MAX_REASSIGN_DELAY_MINUTES)
    escalates_to: int | None = Field(
        None,
        description="The next tier's team id; null or omitted: none (a PUT replaces every "
        "setting). A chain that leads back to the team is a 422 tier_cycle.",
    )


class AgentRoutingOut(Schema):
    user_id: int
    name: str
    email: str
    availability: AvailabilityName
    capacity: int | None = Field(description="Most active tickets at once; null: no cap.")
    skills: list[str]
    working_calendar_id: int | None = Field(
        description="The business calendar of their working hours; null: always on shift."
    )

    @staticmethod
    def of(profile: AgentProfile) -> "AgentRoutingOut":
        return AgentRoutingOut(
            user_id=profile.user_id,
            name=profile.user.name,
            email=profile.user.email,
            availability=profile.availability,  # type: ignore[arg-type]
            capacity=profile.capacity,
            skills=list(profile.skills) if isinstance(profile.skills, list) else [],
            working_calendar_id=profile.working_calendar_id,
        )


class AgentRoutingIn(InputSchema):
    capacity: int | None = Field(..., ge=0, le=MAX_CAPACITY)
    skills: list[Annotated[str, Field(max_length=MAX_SKILL_LENGTH)]] = Field(
        default_factory=list, max_length=MAX_SKILLS
    )
    working_calendar_id: int | None = None


class EscalateIn(InputSchema):
    note: str = Field("", max_length=MAX_NOTE_LENGTH, description="Why; for the next tier.")


class TeamRef(Schema):
    id: int
    name: str
    slug: str

    @staticmethod
    def of(team: Team) -> "TeamRef":
        return TeamRef(id=team.pk, name=team.name, slug=team.slug)


class EscalationOut(Schema):
    number: int
    team: TeamRef = Field(description="The next tier the ticket is in now.")
    previous_team: TeamRef
    assignee_id: int | None = Field(description="Who the new team's strategy chose; null: nobody.")
    version: int

    @staticmethod
    def of(escalation: Escalation) -> "EscalationOut":
        ticket = escalation.ticket
        return EscalationOut(
            number=ticket.number,
            team=TeamRef.of(escalation.to_team),
            previous_team=TeamRef.of(escalation.from_team),
            assignee_id=ticket.assignee_id,
            version=ticket.version,
        )


class AvailabilityIn(InputSchema):
    availability: AvailabilityName


class AvailabilityOut(Schema):
    availability: AvailabilityName
    offline_since: datetime | None = Field(description="Since when you are offline.")

    @staticmethod
    def of(profile: AgentProfile) -> "AvailabilityOut":
        return AvailabilityOut(
            availability=profile.availability,  # type: ignore[arg-type]
            offline_since=profile.offline_since,
        )


# --- routing rules ------------------------------------------------------------------------

ChannelName = Literal["email", "portal", "api", "web", "phone", "chat", "slack", "alert", "system"]
TypeName = Literal["incident", "service_request", "question", "problem", "task"]
PriorityName = Literal["low", "normal", "high", "urgent"]
assert get_args(ChannelName) == CHANNELS
assert get_args(TypeName) == TICKET_TYPES

CONDITION_HELP = (
    'When the rule fires, in the rule language (docs/routing.md), e.g. {"all": [{"field": '
    '"subject", "op": "contains", "value": "invoice"}]}; {} fires for every ticket.'
)
ACTIONS_HELP = (
    "What it does: set_field (team, category, priority, type), add_tags, remove_tags, "
    'set_custom_field; e.g. [{"type": "set_field", "field": "team", "value": "billing"}].'
)


class RoutingRuleOut(Schema):
    id: int
    name: str
    position: int = Field(description="Rules run from the lowest position (ties by id).")
    is_active: bool
    condition: dict[str, Any] = Field(description=CONDITION_HELP)
    actions: list[dict[str, Any]] = Field(description=ACTIONS_HELP)
    stop_processing: bool = Field(description="When it fires, no later rule runs.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def of(rule: RoutingRule) -> "RoutingRuleOut":
        return RoutingRuleOut(
            id=rule.pk,
            name=rule.name,
            position=rule.position,
            is_active=rule.is_active,
            condition=rule.condition,
            actions=rule.actions,
            stop_processing=rule.stop_processing,
            created_at=rule.created_at,
            updated_at=rule.updated_at,
        )


class RoutingRuleIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    condition: dict[str, Any] = Field(default_factory=dict, description=CONDITION_HELP)
    actions: list[dict[str, Any]] = Field(max_length=50, description=ACTIONS_HELP)
    position: int | None = Field(
        None, ge=0, le=MAX_POSITION, description="Omitted: last for a new rule, kept on a PUT."
    )
    is_active: bool = True
    stop_processing: bool = False


class SampleTicketIn(InputSchema):
    """A new ticket as the rules would see it. `team`, `category`, a priority other than
    normal, a type other than question, `tags` and `custom_fields` count as set by the
    creator, which rules do not override (as at creation)."""

    subject: str = Field("", max_length=500)
    body: str = Field("", max_length=100_000)
    channel: ChannelName = "email"
    mailbox: str | None = Field(None, max_length=254)
    type: TypeName = "question"
    priority: PriorityName = "normal"
    requester_email: str = Field("customer@example.com", max_length=254)
    organization: str | None = Field(None, max_length=200, description="Its name.")
    organization_tier: str | None = Field(None, max_length=50)
    tags: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=50)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    team: str | None = Field(None, max_length=100, description="A team slug.")
    category: str | None = Field(None, max_length=100, description="A category slug.")


class RuleDraftIn(InputSchema):
    name: str = Field("draft", min_length=1, max_length=100)
    condition: dict[str, Any] = Field(default_factory=dict, description=CONDITION_HELP)
    actions: list[dict[str, Any]] = Field(max_length=50, description=ACTIONS_HELP)
    stop_processing: bool = False


class RuleTestIn(InputSchema):
    ticket: SampleTicketIn
    now: datetime | None = Field(
        None, description="When the ticket arrives (time_of_day, weekday); default: now."
    )
    rule: RuleDraftIn | None = Field(
        None, description="Try this unsaved rule alone instead of the active rules."
    )


class FiredRuleOut(Schema):
    rule_id: int | None = Field(description="null for a draft.")
    name: str
    why: list[str] = Field(description="Each condition, whether it held, and the fact.")
    changes: dict[str, Any] = Field(
        description="team, category, priority, type; tags as {added, removed}; custom_fields."
    )
    kept: list[str] = Field(description="Fields the creator set, which the rule leaves.")
    skipped: dict[str, str] = Field(description="Changes that could not be made, and why.")
    stopped: bool = Field(description="stop_processing ended the run here.")


class CheckedRuleOut(Schema):
    rule_id: int | None
    name: str
    why: list[str] = Field(description="Checked against the ticket after the fired rules.")


class RoutedTicketOut(Schema):
    team: str | None
    category: str | None
    priority: PriorityName
    type: str
    tags: list[str]
    custom_fields: dict[str, Any]


class RuleTestOut(Schema):
    fired: list[FiredRuleOut]
    not_fired: list[CheckedRuleOut]
    ticket: RoutedTicketOut = Field(description="The ticket's triage fields after the rules.")
    capped: bool = Field(description="The firing cap ended the run early.")

    @staticmethod
    def of(run: DryRun) -> "RuleTestOut":
        final = run.decision.final
        return RuleTestOut(
            fired=[
                FiredRuleOut(
                    rule_id=f.rule_id or None,
                    name=f.name,
                    why=list(f.explanation),
                    changes=f.changes,
                    kept=list(f.kept),
                    skipped=dict(run.missing.get(f.rule_id, {})),
                    stopped=f.stopped,
                )
                for f in run.decision.firings
            ],
            not_fired=[
                CheckedRuleOut(rule_id=c.rule.id or None, name=c.rule.name, why=list(c.explanation))
                for c in run.not_fired
            ],
            ticket=RoutedTicketOut(
                team=final.team,
                category=final.category,
                priority=PRIORITY_NAMES[final.priority],  # type: ignore[arg-type]
                type=final.type,
                tags=sorted(final.tags),
                custom_fields=dict(final.custom_fields),
            ),
            capped=run.decision.capped,
        )
