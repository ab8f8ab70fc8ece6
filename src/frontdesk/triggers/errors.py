from enum import StrEnum


class TriggerErrorCode(StrEnum):
    ADMIN_REQUIRED = "admin_required"
    RULE_READERS_ONLY = "automation_readers_only"
    INVALID_RULE = "invalid_rule"
    INVALID_NAME = "invalid_name"
    DUPLICATE_NAME = "duplicate_name"
    INVALID_ORDER = "invalid_order"
