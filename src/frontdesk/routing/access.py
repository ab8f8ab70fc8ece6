"""Who may change how a team's tickets are assigned."""

from frontdesk.accounts.access import is_admin, team_ids
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.core.errors import Forbidden
from frontdesk.routing.errors import RoutingErrorCode


def can_lead_team(user: User, team_id: int) -> bool:
    """Admins lead every team; a supervisor leads the teams they are a member of."""
    if is_admin(user):
        return True
    return user.is_active and user.role == Role.SUPERVISOR and team_id in team_ids(user)


def require_team_lead(user: User, team_id: int) -> None:
    if not can_lead_team(user, team_id):
        raise Forbidden(
            RoutingErrorCode.TEAM_LEAD_REQUIRED,
            "Only administrators and the team's supervisors may do this.",
        )
