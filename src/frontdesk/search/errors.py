from enum import StrEnum


class SearchErrorCode(StrEnum):
    INVALID_QUERY = "invalid_query"
