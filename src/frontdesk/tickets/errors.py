from enum import StrEnum


class TicketErrorCode(StrEnum):
    VERSION_CONFLICT = "version_conflict"
    TICKET_CLOSED = "ticket_closed"
    ALREADY_ASSIGNED = "already_assigned"
    UNKNOWN_STATUS = "unknown_status"
    STATUS_NOT_ALLOWED = "status_not_allowed"
    UNKNOWN_PRIORITY = "unknown_priority"
    UNKNOWN_CATEGORY = "unknown_category"
    UNKNOWN_TEAM = "unknown_team"
    UNKNOWN_USER = "unknown_user"
    INVALID_ASSIGNEE = "invalid_assignee"
    INVALID_ORGANIZATION = "invalid_organization"
    INVALID_TAG = "invalid_tag"
    INVALID_CUSTOM_FIELD = "invalid_custom_field"
    INVALID_LINK = "invalid_link"
    INVALID_MERGE = "invalid_merge"
    INVALID_ATTACHMENT = "invalid_attachment"
    ATTACHMENT_TOO_LARGE = "attachment_too_large"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    EMPTY_BODY = "empty_body"
    NOT_REOPENABLE = "not_reopenable"
