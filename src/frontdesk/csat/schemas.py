from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from frontdesk.api.schemas import InputSchema
from frontdesk.csat.models import Survey


class CsatFiguresOut(Schema):
    key: str = Field(description="\"all\", or the agent's or team's id, or the ticket type.")
    label: str
    surveys: int = Field(description="Tickets solved in the period that got a survey.")
    rated: int
    good: int
    bad: int
    score: float | None = Field(description="good / rated (0..1).")
    response_rate: float | None = Field(description="rated / surveys (0..1).")


class CsatReportOut(Schema):
    start: datetime
    end: datetime
    group: Literal["", "agent", "team", "type"]
    rows: list[CsatFiguresOut]


class SurveyOut(Schema):
    ticket_number: int
    rating: Literal["", "good", "bad"]
    comment: str
    agent_id: int | None
    emailed: bool
    skipped: str
    solved_at: datetime
    rated_at: datetime | None

    @staticmethod
    def of(survey: Survey) -> "SurveyOut":
        return SurveyOut(
            ticket_number=survey.ticket.number,
            rating=survey.rating,  # type: ignore[arg-type]
            comment=survey.comment,
            agent_id=survey.agent_id,
            emailed=survey.email_id is not None,
            skipped=survey.skipped,
            solved_at=survey.solved_at,
            rated_at=survey.rated_at,
        )


class RatingIn(InputSchema):
    rating: Literal["good", "bad"]
    comment: str = Field("", max_length=2000)


class CsatSettingOut(Schema):
    ticket_type: str
    enabled: bool


class CsatSettingIn(InputSchema):
    enabled: bool
