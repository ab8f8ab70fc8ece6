"""Who reads and changes triggers and time rules: supervisors read them and try them out
(they answer for what happens to tickets); administrators change them. Agents are told
they lack the role; customers that nothing is here."""

from frontdesk.accounts.access import is_admin
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.core.errors import Forbidden, NotFound
from frontdesk.triggers.errors import TriggerErrorCode

READERS = frozenset({Role.ADMIN, Role.SUPERVISOR})


def can_read_automation(user: User) -> bool:
    return user.is_active and user.role in READERS


def can_change_automation(user: User) -> bool:
    return is_admin(user)


def require_automation_reader(user: User) -> None:
    if not user.is_staff:
        raise NotFound("Not found.")
    if not can_read_automation(user):
        raise Forbidden(
            TriggerErrorCode.RULE_READERS_ONLY,
            "Only supervisors and administrators see triggers and time rules.",
        )


def require_automation_admin(user: User) -> None:
    if not can_change_automation(user):
        raise Forbidden(
            TriggerErrorCode.ADMIN_REQUIRED, "Only administrators change triggers and time rules."
        )
