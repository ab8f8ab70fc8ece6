"""`{% csat_rating ticket %}`: the ticket's satisfaction for the ticket page's sidebar;
`{% csat_portal_prompt ticket user %}`: the portal request page's rating prompt."""

from typing import Any

from django import template

from frontdesk.csat.queries import ticket_survey

register = template.Library()


@register.inclusion_tag("csat/_sidebar.html")
def csat_rating(ticket: Any) -> dict[str, Any]:
    return {"survey": ticket_survey(ticket.pk)}


@register.inclusion_tag("csat/_portal_prompt.html")
def csat_portal_prompt(ticket: Any, user: Any) -> dict[str, Any]:
    survey = ticket_survey(ticket.pk)
    mine = survey is not None and getattr(user, "pk", None) == survey.requester_id
    return {"survey": survey if mine else None, "ticket": ticket}
