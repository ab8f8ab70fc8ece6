"""Who may do what with the offline AI.

Administrators train models and set the modes; working staff see suggestions, similar
tickets and sentiment on the tickets they can see (and accept or dismiss suggestions);
customers see nothing of it (404)."""

from frontdesk.accounts.access import is_admin
from frontdesk.accounts.models import User
from frontdesk.core.errors import Forbidden, NotFound


def require_ai_admin(user: User) -> None:
    if not user.is_staff:
        raise NotFound("Not found.")
    if not is_admin(user):
        raise Forbidden("admin_required", "Only administrators manage the AI models.")


def require_ai_staff(user: User) -> None:
    if not (user.is_active and user.is_staff):
        raise NotFound("Not found.")
