"""Who a user is allowed to be: role capabilities and the facts visibility is built from.

Ticket visibility itself lives in `tickets.access`; this module answers questions about
the person (which teams, which sharing organisations) and caches the answers on the
user object for the length of one request.
"""

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.core.errors import Forbidden, NotFound

WORKING_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.AGENT})


def team_ids(user: User) -> frozenset[int]:
    cached: frozenset[int] | None = getattr(user, "_team_ids", None)
    if cached is None:
        cached = frozenset(user.teams.values_list("pk", flat=True))
        user._team_ids = cached  # type: ignore[attr-defined]
    return cached


def shared_organization_ids(user: User) -> frozenset[int]:
    """Organisations whose tickets this contact may see (those that share tickets)."""
    cached: frozenset[int] | None = getattr(user, "_shared_org_ids", None)
    if cached is None:
        cached = frozenset(
            user.organizations.filter(shares_tickets=True).values_list("pk", flat=True)
        )
        user._shared_org_ids = cached  # type: ignore[attr-defined]
    return cached


def is_admin(user: User) -> bool:
    return user.is_active and user.role == Role.ADMIN


def can_work_tickets(user: User) -> bool:
    """Agents, supervisors and admins change tickets; light agents only read and note."""
    return user.is_active and user.role in WORKING_ROLES


def require_admin(user: User) -> None:
    if not is_admin(user):
        raise Forbidden("admin_required", "Only administrators may do this.")


def require_staff(user: User) -> None:
    """Staff-only resources look absent to customers (404), as a foreign object would."""
    if not user.is_staff:
        raise NotFound()
