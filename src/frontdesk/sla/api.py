"""REST endpoints for SLA settings: business calendars with their holidays, and policies
with their targets and escalations. Supervisors and administrators read; administrators
(with a token's `admin` scope) write, through the validated actions in `sla.actions`."""

from django.http import HttpRequest
from ninja import Router, Status

from frontdesk.api.auth import actor, admin_actor
from frontdesk.api.schemas import ERRORS
from frontdesk.sla import actions, config_queries
from frontdesk.sla.schemas import (
    CalendarIn,
    CalendarOut,
    HolidayImportIn,
    HolidayImportOut,
    HolidayIn,
    HolidayOut,
    PolicyIn,
    PolicyOut,
)

router = Router(tags=["sla"])


# --- calendars ----------------------------------------------------------------------------


@router.get("/sla/calendars", response={200: list[CalendarOut], **ERRORS})
def list_calendars(request: HttpRequest) -> list[CalendarOut]:
    """Business calendars by name, each with its holidays."""
    return [CalendarOut.of(c) for c in config_queries.calendars(actor(request))]


@router.post("/sla/calendars", response={201: CalendarOut, **ERRORS})
def create_calendar(request: HttpRequest, payload: CalendarIn) -> Status[CalendarOut]:
    user = admin_actor(request)
    calendar = actions.save_calendar(actor=user, **payload.model_dump())
    return Status(201, CalendarOut.of(config_queries.calendar(user, calendar.pk)))


@router.get("/sla/calendars/{calendar_id}", response={200: CalendarOut, **ERRORS})
def get_calendar(request: HttpRequest, calendar_id: int) -> CalendarOut:
    return CalendarOut.of(config_queries.calendar(actor(request), calendar_id))


@router.put("/sla/calendars/{calendar_id}", response={200: CalendarOut, **ERRORS})
def put_calendar(request: HttpRequest, calendar_id: int, payload: CalendarIn) -> CalendarOut:
    """Replace the name, zone and weekly hours (holidays stay)."""
    user = admin_actor(request)
    config_queries.calendar(user, calendar_id)  # an unknown id is a 404, not a bad body
    actions.save_calendar(actor=user, calendar_id=calendar_id, **payload.model_dump())
    return CalendarOut.of(config_queries.calendar(user, calendar_id))


@router.delete("/sla/calendars/{calendar_id}", response={204: None, **ERRORS})
def delete_calendar(request: HttpRequest, calendar_id: int) -> Status[None]:
    """Refused (409 `calendar_in_use`) while a policy counts in the calendar."""
    user = admin_actor(request)
    config_queries.calendar(user, calendar_id)
    actions.delete_calendar(actor=user, calendar_id=calendar_id)
    return Status(204, None)


@router.post("/sla/calendars/{calendar_id}/holidays", response={201: HolidayOut, **ERRORS})
def add_holiday(request: HttpRequest, calendar_id: int, payload: HolidayIn) -> Status[HolidayOut]:
    """Close a day, or give it its own hours; the same day again replaces it."""
    user = admin_actor(request)
    config_queries.calendar(user, calendar_id)
    holiday = actions.add_holiday(actor=user, calendar_id=calendar_id, **payload.model_dump())
    return Status(201, HolidayOut.of(holiday))


# Declared before `/holidays/{holiday_id}`, which would otherwise take "import" for an id.
@router.post(
    "/sla/calendars/{calendar_id}/holidays/import", response={200: HolidayImportOut, **ERRORS}
)
def import_holidays(
    request: HttpRequest, calendar_id: int, payload: HolidayImportIn
) -> HolidayImportOut:
    """Copy a country's public holidays for the given years into the calendar (copied, so a
    library update never moves a stored deadline)."""
    user = admin_actor(request)
    config_queries.calendar(user, calendar_id)
    imported = actions.import_country_holidays(
        actor=user, calendar_id=calendar_id, **payload.model_dump()
    )
    return HolidayImportOut(imported=imported)


@router.delete("/sla/calendars/{calendar_id}/holidays/{holiday_id}", response={204: None, **ERRORS})
def remove_holiday(request: HttpRequest, calendar_id: int, holiday_id: int) -> Status[None]:
    user = admin_actor(request)
    config_queries.holiday(user, calendar_id, holiday_id)
    actions.remove_holiday(actor=user, calendar_id=calendar_id, holiday_id=holiday_id)
    return Status(204, None)


# --- policies -----------------------------------------------------------------------------


@router.get("/sla/policies", response={200: list[PolicyOut], **ERRORS})
def list_policies(request: HttpRequest) -> list[PolicyOut]:
    """Policies in the order they are tried: the first active one whose condition holds
    applies to a ticket."""
    return [PolicyOut.of(p) for p in config_queries.policies(actor(request))]


@router.post("/sla/policies", response={201: PolicyOut, **ERRORS})
def create_policy(request: HttpRequest, payload: PolicyIn) -> Status[PolicyOut]:
    user = admin_actor(request)
    policy = actions.save_policy(actor=user, **payload.model_dump())
    return Status(201, PolicyOut.of(config_queries.policy(user, policy.pk)))


@router.get("/sla/policies/{policy_id}", response={200: PolicyOut, **ERRORS})
def get_policy(request: HttpRequest, policy_id: int) -> PolicyOut:
    return PolicyOut.of(config_queries.policy(actor(request), policy_id))


@router.put("/sla/policies/{policy_id}", response={200: PolicyOut, **ERRORS})
def put_policy(request: HttpRequest, policy_id: int, payload: PolicyIn) -> PolicyOut:
    """Replace the policy, targets and escalations included. Open tickets pick the change up
    at their next change."""
    user = admin_actor(request)
    config_queries.policy(user, policy_id)
    actions.save_policy(actor=user, policy_id=policy_id, **payload.model_dump())
    return PolicyOut.of(config_queries.policy(user, policy_id))


@router.delete("/sla/policies/{policy_id}", response={204: None, **ERRORS})
def delete_policy(request: HttpRequest, policy_id: int) -> Status[None]:
    user = admin_actor(request)
    config_queries.policy(user, policy_id)
    actions.delete_policy(actor=user, policy_id=policy_id)
    return Status(204, None)
