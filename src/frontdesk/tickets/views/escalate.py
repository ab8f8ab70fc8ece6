"""The ticket page's "Escalate" button: hand the ticket to its team's next support tier."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.core.web import is_htmx, request_user, staff_view
from frontdesk.tickets import actions
from frontdesk.tickets.access import visible_to
from frontdesk.tickets.views._common import web_origin
from frontdesk.tickets.views.detail import render_ticket


@require_POST
@staff_view
def escalate(request: HttpRequest, number: int) -> HttpResponse:
    """Escalate, then show the ticket again; if it left every team the agent is in (and they
    do not follow it), go home instead, since the ticket page would now be a 404."""
    user = request_user(request)
    done = actions.escalate_ticket(
        actor=user, origin=web_origin(request), number=number, note=request.POST.get("note", "")
    )
    if visible_to(user).filter(pk=done.ticket.pk).exists():
        if is_htmx(request):
            return render_ticket(request, user, number, fragment="after_change")
        return redirect("tickets:detail", number=number)
    messages.success(
        request,
        _("Escalated #%(number)s to %(team)s.") % {"number": number, "team": done.to_team.name},
    )
    if not is_htmx(request):
        return redirect("tickets:home")
    response = HttpResponse(status=200)
    response["HX-Redirect"] = reverse("tickets:home")
    return response
