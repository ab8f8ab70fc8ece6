from enum import StrEnum


class AccountErrorCode(StrEnum):
    UNKNOWN_ROLE = "unknown_role"
    EMAIL_TAKEN = "email_taken"
    SELF_LOCKOUT = "self_lockout"
    INVALID_MEMBER = "invalid_member"
    TEAM_EXISTS = "team_exists"
    INVALID_SCOPE = "invalid_scope"
    INVALID_EXPIRY = "invalid_expiry"
