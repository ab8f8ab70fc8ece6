"""REST endpoints for a team's assignment settings, the caller's own presence, and routing
rules (supervisors and administrators read and try them out; administrators with the
`admin` scope change them)."""

from django.http import HttpRequest
from ninja import Router, Status

from frontdesk.api.auth import actor, admin_actor
from frontdesk.api.origin import origin_of
from frontdesk.api.schemas import ERRORS
from frontdesk.automation.errors import RuleError
from frontdesk.core import clock
from frontdesk.routing import actions, queries
from frontdesk.routing.actions.rules import rule_invalid
from frontdesk.routing.queries import SampleTicket
from frontdesk.routing.rulebook import draft_rule
from frontdesk.routing.schemas import (
    AgentRoutingIn,
    AgentRoutingOut,
    AvailabilityIn,
    AvailabilityOut,
    EscalateIn,
    EscalationOut,
    RoutingRuleIn,
    RoutingRuleOut,
    RuleTestIn,
    RuleTestOut,
    TeamAssignmentIn,
    TeamAssignmentOut,
)
from frontdesk.tickets import actions as ticket_actions

router = Router(tags=["routing"])


@router.get("/teams/{team_id}/assignment", response={200: TeamAssignmentOut, **ERRORS})
def get_team_assignment(request: HttpRequest, team_id: int) -> TeamAssignmentOut:
    """How the team's tickets are assigned (administrators and the team's supervisors)."""
    return TeamAssignmentOut.of(queries.team_assignment(actor(request), team_id))


@router.put("/teams/{team_id}/assignment", response={200: TeamAssignmentOut, **ERRORS})
def put_team_assignment(
    request: HttpRequest, team_id: int, payload: TeamAssignmentIn
) -> TeamAssignmentOut:
    """Replace the team's assignment settings (administrators and the team's supervisors)."""
    settings = actions.configure_team_assignment(
        actor=actor(request), team_id=team_id, **payload.model_dump()
    )
    return TeamAssignmentOut.of(settings)


@router.get("/routing/agents", response={200: list[AgentRoutingOut], **ERRORS})
def list_agent_routing(request: HttpRequest) -> list[AgentRoutingOut]:
    """The routing settings of the agents you may configure: everyone's for administrators,
    your teams' members' for supervisors."""
    return [AgentRoutingOut.of(p) for p in queries.led_agents(actor(request))]


@router.put("/routing/agents/{user_id}", response={200: AgentRoutingOut, **ERRORS})
def put_agent_routing(
    request: HttpRequest, user_id: int, payload: AgentRoutingIn
) -> AgentRoutingOut:
    """Replace an agent's capacity, skills and working calendar (administrators, and the
    supervisors of the agent's teams)."""
    profile = actions.configure_agent_profile(
        actor=actor(request), user_id=user_id, **payload.model_dump()
    )
    return AgentRoutingOut.of(profile)


@router.post("/tickets/{number}/escalate", response={200: EscalationOut, **ERRORS})
def escalate_ticket(request: HttpRequest, number: int, payload: EscalateIn) -> EscalationOut:
    """Move the ticket to its team's next support tier; the new team's strategy assigns it.
    A ticket without a team or in the top tier is a 409 `no_next_tier`. The answer is not
    the ticket: after the move you may no longer see it."""
    escalation = ticket_actions.escalate_ticket(
        actor=actor(request), origin=origin_of(request), number=number, note=payload.note
    )
    return EscalationOut.of(escalation)


@router.put("/users/me/availability", response={200: AvailabilityOut, **ERRORS})
def put_my_availability(request: HttpRequest, payload: AvailabilityIn) -> AvailabilityOut:
    """Set your own presence; only online agents get tickets automatically."""
    profile = actions.set_availability(actor=actor(request), availability=payload.availability)
    return AvailabilityOut.of(profile)


# --- routing rules ------------------------------------------------------------------------


@router.get("/routing/rules", response={200: list[RoutingRuleOut], **ERRORS})
def list_routing_rules(request: HttpRequest) -> list[RoutingRuleOut]:
    """Every routing rule in run order, inactive ones too (supervisors and administrators)."""
    return [RoutingRuleOut.of(rule) for rule in queries.routing_rules(actor(request))]


@router.post("/routing/rules", response={201: RoutingRuleOut, **ERRORS})
def create_routing_rule(request: HttpRequest, payload: RoutingRuleIn) -> Status[RoutingRuleOut]:
    """Add a rule (last, unless `position` is given). A condition or action the engine
    refuses is a 422 `invalid_rule` whose details give the `part` and `path`."""
    rule = actions.save_routing_rule(actor=admin_actor(request), **payload.model_dump())
    return Status(201, RoutingRuleOut.of(rule))


# Declared before `/routing/rules/{rule_id}`.
@router.post("/routing/rules/test", response={200: RuleTestOut, **ERRORS})
def test_routing_rules(request: HttpRequest, payload: RuleTestIn) -> RuleTestOut:
    """Dry run: which rules would fire for a sample new ticket, why (each condition with the
    fact it saw), and what they would change. Changes nothing. With `rule`, that unsaved
    rule is tried alone instead of the active rules."""
    user = actor(request)
    draft = None
    if payload.rule is not None:
        try:
            draft = draft_rule(
                payload.rule.condition,
                payload.rule.actions,
                name=payload.rule.name,
                stop_processing=payload.rule.stop_processing,
            )
        except RuleError as exc:
            raise rule_invalid(exc) from exc
    sample = SampleTicket(**payload.ticket.model_dump())
    run = queries.dry_run(
        user, sample, now=payload.now or clock.now(), rules=None if draft is None else [draft]
    )
    return RuleTestOut.of(run)


@router.get("/routing/rules/{rule_id}", response={200: RoutingRuleOut, **ERRORS})
def get_routing_rule(request: HttpRequest, rule_id: int) -> RoutingRuleOut:
    return RoutingRuleOut.of(queries.routing_rule(actor(request), rule_id))


@router.put("/routing/rules/{rule_id}", response={200: RoutingRuleOut, **ERRORS})
def put_routing_rule(request: HttpRequest, rule_id: int, payload: RoutingRuleIn) -> RoutingRuleOut:
    """Replace a rule; without `position` it keeps its place."""
    user = admin_actor(request)
    queries.routing_rule(user, rule_id)  # an unknown id is a 404, not a bad body
    rule = actions.save_routing_rule(actor=user, rule_id=rule_id, **payload.model_dump())
    return RoutingRuleOut.of(rule)


@router.delete("/routing/rules/{rule_id}", response={204: None, **ERRORS})
def delete_routing_rule(request: HttpRequest, rule_id: int) -> Status[None]:
    """Delete a rule; the events of tickets it routed keep its name."""
    user = admin_actor(request)
    queries.routing_rule(user, rule_id)
    actions.delete_routing_rule(actor=user, rule_id=rule_id)
    return Status(204, None)
