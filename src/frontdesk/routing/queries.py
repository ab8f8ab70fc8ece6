"""The read side of routing, behind the same checks as the writers."""

from frontdesk.accounts.models import Team, User
from frontdesk.core.errors import NotFound
from frontdesk.routing.access import require_team_lead
from frontdesk.routing.models import TeamAssignment


def team_assignment(user: User, team_id: int) -> TeamAssignment:
    """The team's settings (an unsaved manual default if never configured), for its leads."""
    if not user.is_staff:
        raise NotFound("No such team.")
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound("No such team.")
    require_team_lead(user, team.pk)
    found = TeamAssignment.objects.filter(pk=team.pk).first()
    return found or TeamAssignment(team=team)
