"""The read side of macros: what a user may use, in the order pickers show them."""

from django.db.models import QuerySet

from frontdesk.accounts.models import User
from frontdesk.core.errors import NotFound
from frontdesk.macros.access import usable_macros
from frontdesk.macros.models import Macro


def macro_list(user: User, *, active_only: bool = False) -> QuerySet[Macro]:
    macros = usable_macros(user).select_related("team", "owner")
    if active_only:
        macros = macros.filter(is_active=True)
    return macros.order_by("name", "pk")


def macro(user: User, macro_id: int) -> Macro:
    """A macro `user` may see, or NotFound."""
    found = macro_list(user).filter(pk=macro_id).first()
    if found is None:
        raise NotFound("No such macro.")
    return found
