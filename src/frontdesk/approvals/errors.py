from enum import StrEnum


class ApprovalErrorCode(StrEnum):
    NOT_APPROVER = "not_approver"
    ALREADY_DECIDED = "already_decided"
    COMMENT_REQUIRED = "comment_required"
    LINK_INVALID = "approval_link_invalid"
    TOO_MANY_REQUESTS = "too_many_requests"
    ADMIN_ONLY = "admin_only"
    INVALID_NAME = "invalid_name"
    DUPLICATE_NAME = "duplicate_name"
    UNKNOWN_TYPE = "unknown_type"
    UNKNOWN_CATEGORY = "unknown_category"
    INVALID_APPROVER = "invalid_approver"
    UNKNOWN_RULE = "unknown_rule"
    TICKET_CLOSED = "ticket_closed"
