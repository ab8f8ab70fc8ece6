from enum import StrEnum


class PortalErrorCode(StrEnum):
    INVALID_FORM = "invalid_request_form"
    UNKNOWN_FORM = "unknown_request_form"
    NOT_VERIFIED = "email_not_verified"
    NOT_A_CUSTOMER = "not_a_customer"
    ANONYMOUS_DISABLED = "anonymous_submission_disabled"
    RATE_LIMITED = "rate_limited"
    LINK_EXPIRED = "link_expired"
    NOT_SOLVABLE = "not_solvable"
    REOPEN_WINDOW_PASSED = "reopen_window_passed"
    NOT_A_COLLEAGUE = "not_a_colleague"
