"""Writers for routing: automatic assignment and team settings (`assignment`), agents'
settings (`profiles`), routing rules (`rules`) and applying them to new tickets (`apply`)."""

from frontdesk.routing.actions.apply import (
    RoutingOutcome,
    RuleDecision,
    record_routing,
    route_new_ticket,
)
from frontdesk.routing.actions.assignment import (
    MAX_REASSIGN_DELAY_MINUTES,
    PREFERRED_SKILL_TAG,
    REQUIRED_SKILL_TAG,
    AutoAssignment,
    assign_automatically,
    configure_team_assignment,
    is_working_time,
    next_tier_of,
    reassign_from_offline_agents,
    record_auto_assignment,
    set_availability,
)
from frontdesk.routing.actions.profiles import configure_agent_profile
from frontdesk.routing.actions.rules import (
    check_rule,
    delete_routing_rule,
    move_routing_rule,
    reorder_routing_rules,
    save_routing_rule,
)

__all__ = [
    "MAX_REASSIGN_DELAY_MINUTES",
    "PREFERRED_SKILL_TAG",
    "REQUIRED_SKILL_TAG",
    "AutoAssignment",
    "RoutingOutcome",
    "RuleDecision",
    "assign_automatically",
    "check_rule",
    "configure_agent_profile",
    "configure_team_assignment",
    "delete_routing_rule",
    "is_working_time",
    "move_routing_rule",
    "next_tier_of",
    "reassign_from_offline_agents",
    "record_auto_assignment",
    "record_routing",
    "reorder_routing_rules",
    "route_new_ticket",
    "save_routing_rule",
    "set_availability",
]
