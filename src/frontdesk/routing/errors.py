from enum import StrEnum


class RoutingErrorCode(StrEnum):
    TEAM_LEAD_REQUIRED = "team_lead_required"
    UNKNOWN_STRATEGY = "unknown_strategy"
    INVALID_REASSIGN_DELAY = "invalid_reassign_delay"
    UNKNOWN_AVAILABILITY = "unknown_availability"
    NO_PRESENCE = "no_presence"
    ADMIN_REQUIRED = "admin_required"
    RULE_READERS_ONLY = "routing_rule_readers_only"
    INVALID_RULE = "invalid_rule"
    INVALID_NAME = "invalid_name"
    DUPLICATE_NAME = "duplicate_name"
    UNKNOWN_RULE = "unknown_rule"
    INVALID_ORDER = "invalid_order"
    UNKNOWN_TEAM = "unknown_team"
    TIER_CYCLE = "tier_cycle"
    NO_NEXT_TIER = "no_next_tier"
    UNKNOWN_CALENDAR = "unknown_calendar"
    INVALID_CAPACITY = "invalid_capacity"
    INVALID_SKILLS = "invalid_skills"
    NOT_AN_AGENT = "not_an_agent"
