from enum import StrEnum


class MacroErrorCode(StrEnum):
    INVALID_NAME = "invalid_name"
    INVALID_BODY = "invalid_macro_body"
    INVALID_ACTIONS = "invalid_macro_actions"
    INVALID_VISIBILITY = "invalid_visibility"
    NOT_ALLOWED = "macro_not_allowed"
    EMPTY_MACRO = "empty_macro"
