from enum import StrEnum


class KbErrorCode(StrEnum):
    INVALID_TITLE = "invalid_title"
    INVALID_SLUG = "invalid_slug"
    DUPLICATE_SLUG = "duplicate_slug"
    INVALID_VISIBILITY = "invalid_visibility"
    INVALID_SECTION = "invalid_section"
    INVALID_RELATED = "invalid_related"
    NOT_ALLOWED = "kb_not_allowed"
    FILE_TOO_LARGE = "kb_file_too_large"
    NO_REVISION = "no_such_revision"
    EMPTY_COMMENT = "empty_comment"
