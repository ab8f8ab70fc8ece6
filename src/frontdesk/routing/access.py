"""Who may change how a team's tickets are assigned, and who reads and writes routing rules."""

from frontdesk.accounts.access import is_admin, team_ids
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.core.errors import Forbidden, NotFound
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


RULE_READERS = frozenset({Role.ADMIN, Role.SUPERVISOR})


def can_read_rules(user: User) -> bool:
    """Supervisors read routing rules (they answer for where tickets land); admins too."""
    return user.is_active and user.role in RULE_READERS


def can_change_rules(user: User) -> bool:
    return is_admin(user)


def require_rules_reader(user: User) -> None:
    """Customers are told nothing exists (as for other staff-only resources); other staff
    learn that they lack the role."""
    if not user.is_staff:
        raise NotFound("Not found.")
    if not can_read_rules(user):
        raise Forbidden(
            RoutingErrorCode.RULE_READERS_ONLY,
            "Only supervisors and administrators see routing rules.",
        )


def require_rules_admin(user: User) -> None:
    if not can_change_rules(user):
        raise Forbidden(
            RoutingErrorCode.ADMIN_REQUIRED, "Only administrators change routing rules."
        )


def can_lead_agent(user: User, agent: User) -> bool:
    """Admins set every agent's routing settings; a supervisor those of their teams' members."""
    if is_admin(user):
        return True
    if not (user.is_active and user.role == Role.SUPERVISOR):
        return False
    return bool(team_ids(user) & team_ids(agent))


def require_agent_lead(user: User, agent: User) -> None:
    if not can_lead_agent(user, agent):
        raise Forbidden(
            RoutingErrorCode.TEAM_LEAD_REQUIRED,
            "Only administrators and the agent's supervisors may do this.",
        )
