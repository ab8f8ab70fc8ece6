"""`{% availability_control %}`: the header's presence select; `{% next_tier ticket as t %}`:
the team a ticket would be escalated to (None: no team, or the top tier)."""

from typing import Any

from django import template

from frontdesk.accounts.models import Team, User
from frontdesk.routing.actions import next_tier_of
from frontdesk.routing.assignment_views import presence_context
from frontdesk.tickets.models import Ticket

register = template.Library()


@register.inclusion_tag("routing/_presence.html", takes_context=True)
def availability_control(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    if not isinstance(user, User) or not user.is_staff:
        return {"hidden": True}
    return {**presence_context(user), "csrf_token": context.get("csrf_token")}


@register.simple_tag
def next_tier(ticket: Ticket) -> Team | None:
    return next_tier_of(ticket.team_id)
