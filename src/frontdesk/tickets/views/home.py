"""The agent's start page: my open tickets, what is waiting, what changed lately."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontdesk.core.web import render_page, request_user, staff_view
from frontdesk.tickets.queues import QUEUES_BY_SLUG, queue_tickets
from frontdesk.tickets.views._common import desk_context

HOME_LIST_SIZE = 8


@staff_view
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.GET.get("part") == "sidebar":
        active = request.GET.get("active", "")[:50]
        return render(request, "tickets/_sidebar.html", desk_context(user, active, counts=True))

    def first(slug: str, order: str = "-updated_at") -> list[object]:
        tickets = queue_tickets(user, QUEUES_BY_SLUG[slug]).with_list_relations()
        return list(tickets.select_related("assignee").order_by(order, "-pk")[:HOME_LIST_SIZE])

    context = desk_context(
        user,
        "home",
        my_tickets=first("mine"),
        due_soon=first("due-soon", "next_due_at"),
        unassigned=first("unassigned", "created_at"),
        recent=first("my-teams"),
    )
    return render_page(request, "tickets/home.html", context, fragment="panels")
