from enum import StrEnum


class RoutingErrorCode(StrEnum):
    TEAM_LEAD_REQUIRED = "team_lead_required"
    UNKNOWN_STRATEGY = "unknown_strategy"
    INVALID_REASSIGN_DELAY = "invalid_reassign_delay"
    UNKNOWN_AVAILABILITY = "unknown_availability"
    NO_PRESENCE = "no_presence"
