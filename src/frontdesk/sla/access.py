"""Who may see and change SLA settings.

Supervisors read them (they answer for the targets their teams work to) but only
administrators change them; the change itself is refused again in `sla.actions`.
"""

from frontdesk.accounts.access import is_admin
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.core.errors import Forbidden, NotFound

SETTINGS_READERS = frozenset({Role.ADMIN, Role.SUPERVISOR})


def can_read_settings(user: User) -> bool:
    return user.is_active and user.role in SETTINGS_READERS


def can_change_settings(user: User) -> bool:
    return is_admin(user)


def require_settings_reader(user: User) -> None:
    """Customers are told nothing exists (as for other staff-only resources); other staff
    learn that they lack the role."""
    if not user.is_staff:
        raise NotFound()
    if not can_read_settings(user):
        raise Forbidden(
            "sla_settings_readers_only", "Only supervisors and administrators see SLA settings."
        )
