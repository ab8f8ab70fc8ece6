"""`{% notification_bell %}`: the header's bell, counted when a desk page renders."""

from typing import Any

from django import template

from frontdesk.accounts.models import User
from frontdesk.notifications.views import bell_context

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    if not isinstance(user, User):
        return {"unread_count": 0, "unread_label": "0"}
    # A page that knows the count already (the notifications page) is not counted again.
    if "unread_count" in context:
        return {"unread_count": context["unread_count"], "unread_label": context["unread_label"]}
    return bell_context(user)
