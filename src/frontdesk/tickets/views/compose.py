"""Raising a ticket for a customer, and the composer's helpers (preview, @mentions)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from frontdesk.accounts.models import User
from frontdesk.core.errors import DomainError
from frontdesk.core.web import render_page, request_user, staff_view
from frontdesk.tickets import actions
from frontdesk.tickets.actions.resolve import ASSIGNABLE_ROLES
from frontdesk.tickets.content import markdown_to_html
from frontdesk.tickets.events import Origin
from frontdesk.tickets.forms import NewTicketForm
from frontdesk.tickets.views._common import desk_context, web_origin

MAX_SUGGESTIONS = 8


@staff_view
def new_ticket(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = NewTicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        origin = Origin(channel=data["channel"], ip_address=web_origin(request).ip_address)
        try:
            ticket = actions.create_ticket(
                actor=user,
                origin=origin,
                subject=data["subject"],
                body=data["body"],
                body_html=markdown_to_html(data["body"]),
                requester_email=data["requester_email"],
                requester_name=data["requester_name"],
                priority=data["priority"],
                type=data["type"],
                team_id=int(data["team"]) if data["team"] else None,
                assignee_id=int(data["assignee"]) if data["assignee"] else None,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("tickets:detail", number=ticket.number)
    status = 422 if request.method == "POST" else 200
    context = desk_context(user, "new", form=form)
    return render_page(request, "tickets/new.html", context, status=status)


@require_POST
@staff_view
def preview(request: HttpRequest) -> HttpResponse:
    """The composer's Markdown preview, rendered exactly as a sent message will be."""
    html = markdown_to_html(request.POST.get("body", "")[:100_000])
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@staff_view
def mention_suggestions(request: HttpRequest) -> HttpResponse:
    """Agents whose name or address starts with `q`, for the composer's @ autocomplete."""
    prefix = request.GET.get("q", "").strip()[:100]
    agents = User.objects.filter(is_active=True, role__in=ASSIGNABLE_ROLES)
    if prefix:
        agents = agents.filter(name__istartswith=prefix) | agents.filter(email__istartswith=prefix)
    agents = agents.order_by("name", "pk")[:MAX_SUGGESTIONS]
    return render(request, "tickets/_mentions.html", {"agents": agents})
