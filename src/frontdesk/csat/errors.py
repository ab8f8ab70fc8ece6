from enum import StrEnum


class CsatErrorCode(StrEnum):
    INVALID_RATING = "invalid_rating"
    SURVEY_CLOSED = "survey_closed"
    NO_SURVEY = "no_survey"
