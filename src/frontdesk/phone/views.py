"""The workspace's "Log a phone call" page and its caller lookup."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from frontdesk.core.errors import DomainError
from frontdesk.core.web import render_page, request_user, staff_view
from frontdesk.phone import actions
from frontdesk.phone.forms import CallForm
from frontdesk.tickets.views._common import desk_context, web_origin


@staff_view
def log_call(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    initial = {}
    if request.GET.get("ticket", "").isdigit():
        initial["ticket"] = int(request.GET["ticket"])
    form = CallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call = actions.log_call(
                actor=user,
                ip_address=web_origin(request).ip_address,
                direction=data["direction"],
                number=data["number"],
                duration_seconds=data["duration"],
                notes=data["notes"],
                subject=data["subject"],
                caller_email=data["caller_email"],
                caller_name=data["caller_name"],
                ticket_number=data["ticket"],
                recording_url=data["recording_url"],
                priority=data["priority"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("tickets:detail", number=call.ticket.number)
    status = 422 if request.method == "POST" else 200
    context = desk_context(user, "call", form=form)
    return render_page(request, "phone/log_call.html", context, status=status)


@staff_view
def caller(request: HttpRequest) -> HttpResponse:
    """Who this number belongs to and their open tickets (those the agent sees)."""
    user = request_user(request)
    person = actions.caller_for(request.GET.get("number", "")[:40])
    tickets = actions.open_tickets_of(person, user) if person is not None else []
    return render(request, "phone/_caller.html", {"caller": person, "tickets": tickets})
