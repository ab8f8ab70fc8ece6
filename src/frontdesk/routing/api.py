"""REST endpoints for a team's assignment settings and the caller's own presence."""

from django.http import HttpRequest
from ninja import Router

from frontdesk.api.auth import actor
from frontdesk.api.schemas import ERRORS
from frontdesk.routing import actions, queries
from frontdesk.routing.schemas import (
    AvailabilityIn,
    AvailabilityOut,
    TeamAssignmentIn,
    TeamAssignmentOut,
)

router = Router(tags=["routing"])


@router.get("/teams/{team_id}/assignment", response={200: TeamAssignmentOut, **ERRORS})
def get_team_assignment(request: HttpRequest, team_id: int) -> TeamAssignmentOut:
    """How the team's tickets are assigned (administrators and the team's supervisors)."""
    return TeamAssignmentOut.of(queries.team_assignment(actor(request), team_id))


@router.put("/teams/{team_id}/assignment", response={200: TeamAssignmentOut, **ERRORS})
def put_team_assignment(
    request: HttpRequest, team_id: int, payload: TeamAssignmentIn
) -> TeamAssignmentOut:
    """Replace the team's assignment settings (administrators and the team's supervisors)."""
    settings = actions.configure_team_assignment(
        actor=actor(request), team_id=team_id, **payload.model_dump()
    )
    return TeamAssignmentOut.of(settings)


@router.put("/users/me/availability", response={200: AvailabilityOut, **ERRORS})
def put_my_availability(request: HttpRequest, payload: AvailabilityIn) -> AvailabilityOut:
    """Set your own presence; only online agents get tickets automatically."""
    profile = actions.set_availability(actor=actor(request), availability=payload.availability)
    return AvailabilityOut.of(profile)
