"""Who may read reports: supervisors and administrators (docs/reports.md).

Agents are refused (403 `reports_readers_only`): the numbers compare colleagues, and an
agent's own figures are on their home page. Customers are told nothing exists (404).
Within reports a supervisor sees only the tickets `tickets.access.visible_to` gives them.
"""

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.core.errors import Forbidden, NotFound

REPORT_READERS = frozenset({Role.ADMIN, Role.SUPERVISOR})


def can_read_reports(user: User) -> bool:
    return user.is_active and user.role in REPORT_READERS


def require_report_reader(user: User) -> None:
    if not user.is_staff:
        raise NotFound()
    if not can_read_reports(user):
        raise Forbidden("reports_readers_only", "Only supervisors and administrators see reports.")
