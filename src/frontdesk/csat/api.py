"""REST endpoints for satisfaction: figures for reports (supervisors and administrators),
a ticket's survey (whoever sees the ticket), the requester's rating, and the per-type
switch (administrators)."""

from datetime import datetime, timedelta
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from frontdesk.accounts.access import require_admin, require_staff
from frontdesk.api.auth import actor, admin_actor
from frontdesk.api.schemas import ERRORS
from frontdesk.core import clock
from frontdesk.core.errors import Invalid, NotFound
from frontdesk.csat import actions
from frontdesk.csat.models import CsatSetting
from frontdesk.csat.queries import csat_figures, ticket_survey
from frontdesk.csat.schemas import (
    CsatFiguresOut,
    CsatReportOut,
    CsatSettingIn,
    CsatSettingOut,
    RatingIn,
    SurveyOut,
)
from frontdesk.kb.access import require_report_reader
from frontdesk.tickets.access import access_ticket
from frontdesk.tickets.choices import TicketType

router = Router(tags=["satisfaction"])


class CsatFilter(Schema):
    start: datetime | None = None
    end: datetime | None = None
    group: Literal["", "agent", "team", "type"] = ""


@router.get("/reports/csat", response={200: CsatReportOut, **ERRORS})
def csat_report(request: HttpRequest, filters: Query[CsatFilter]) -> CsatReportOut:
    """Satisfaction of tickets solved in [start, end) (default: the last 30 days), overall
    or per agent, team or ticket type. Supervisors and administrators."""
    require_report_reader(actor(request))
    end = filters.end or clock.now()
    start = filters.start or end - timedelta(days=30)
    if start >= end:
        raise Invalid("invalid_period", "start must be before end.")
    rows = [
        CsatFiguresOut(**vars(f), score=f.score, response_rate=f.response_rate)
        for f in csat_figures(start, end, group=filters.group)
    ]
    return CsatReportOut(start=start, end=end, group=filters.group, rows=rows)


@router.get("/tickets/{number}/satisfaction", response={200: SurveyOut, **ERRORS})
def ticket_satisfaction(request: HttpRequest, number: int) -> SurveyOut:
    """The ticket's survey and rating (404 when it has none or you cannot see it)."""
    ticket = access_ticket(actor(request), number)
    survey = ticket_survey(ticket.pk)
    if survey is None:
        raise NotFound("This ticket has no survey.")
    survey.ticket = ticket
    return SurveyOut.of(survey)


@router.put("/tickets/{number}/satisfaction", response={200: SurveyOut, **ERRORS})
def rate_ticket(request: HttpRequest, number: int, payload: RatingIn) -> SurveyOut:
    """The requester rates their solved ticket (others: 404); changeable for a week."""
    survey = actions.survey_for_requester(actor(request), number)
    survey = actions.rate(survey, payload.rating, payload.comment)
    return SurveyOut.of(survey)


@router.get("/csat/settings", response={200: list[CsatSettingOut], **ERRORS})
def list_settings(request: HttpRequest) -> list[CsatSettingOut]:
    """Whether each ticket type gets a survey (administrators; no admin scope needed)."""
    user = actor(request)
    require_staff(user)  # customers: 404, as for the other settings
    require_admin(user)
    rows = dict(CsatSetting.objects.values_list("ticket_type", "enabled"))
    return [CsatSettingOut(ticket_type=t, enabled=rows.get(t, True)) for t in TicketType.values]


@router.put("/csat/settings/{ticket_type}", response={200: CsatSettingOut, **ERRORS})
def set_setting(request: HttpRequest, ticket_type: str, payload: CsatSettingIn) -> CsatSettingOut:
    user = admin_actor(request)
    if ticket_type not in TicketType.values:
        raise NotFound("No such ticket type.")
    row = actions.set_enabled(actor=user, ticket_type=ticket_type, enabled=payload.enabled)
    return CsatSettingOut(ticket_type=row.ticket_type, enabled=row.enabled)
