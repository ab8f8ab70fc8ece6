from enum import StrEnum


class AlertErrorCode(StrEnum):
    UNAUTHENTICATED = "unauthenticated"
    INVALID_JSON = "invalid_json"
    INVALID_PAYLOAD = "invalid_payload"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    SOURCE_MISCONFIGURED = "source_misconfigured"
    DUPLICATE_NAME = "duplicate_name"
    UNKNOWN_USER = "unknown_user"
