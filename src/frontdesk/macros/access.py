"""Who sees, uses and changes which macros.

- Staff see (and may apply) the macros shared with everyone, those shared with a team they
  belong to, and their own personal ones; administrators see every macro. Customers are
  told nothing exists (404).
- Any staff member keeps personal macros. Administrators and supervisors share macros with
  a team (supervisors with their own teams); only administrators share with everyone.
- A macro is changed by whoever may create one like it: its owner for a personal macro
  (administrators too), the team's supervisors or an administrator for a team macro, an
  administrator for one shared with everyone.
"""

from django.db.models import Q, QuerySet

from frontdesk.accounts.access import is_admin, require_staff, team_ids
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.core.errors import Forbidden
from frontdesk.macros.choices import Visibility
from frontdesk.macros.errors import MacroErrorCode
from frontdesk.macros.models import Macro


def usable_macros(user: User) -> QuerySet[Macro]:
    """The macros `user` may see and apply (inactive ones too; callers filter)."""
    require_staff(user)
    macros = Macro.objects.all()
    if is_admin(user):
        return macros
    return macros.filter(
        Q(visibility=Visibility.EVERYONE)
        | Q(visibility=Visibility.TEAM, team_id__in=team_ids(user))
        | Q(visibility=Visibility.PERSONAL, owner=user)
    )


def may_share(user: User, visibility: str, team_id: int | None) -> bool:
    if not user.is_active or not user.is_staff:
        return False
    if visibility == Visibility.PERSONAL:
        return True
    if is_admin(user):
        return True
    return (
        visibility == Visibility.TEAM
        and user.role == Role.SUPERVISOR
        and team_id is not None
        and team_id in team_ids(user)
    )


def can_change(user: User, macro: Macro) -> bool:
    if macro.visibility == Visibility.PERSONAL:
        return macro.owner_id == user.pk or is_admin(user)
    return may_share(user, macro.visibility, macro.team_id)


def require_may_share(user: User, visibility: str, team_id: int | None) -> None:
    if not may_share(user, visibility, team_id):
        raise Forbidden(
            MacroErrorCode.NOT_ALLOWED,
            "Only administrators share macros with everyone, and supervisors with their teams.",
        )


def require_can_change(user: User, macro: Macro) -> None:
    if not can_change(user, macro):
        raise Forbidden(MacroErrorCode.NOT_ALLOWED, "You may not change this macro.")
