"""The global search box. Simple matching for now (number, subject, requester address);
the search issue replaces the query behind the same box and URL."""

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontdesk.core.pagination import keyset_page
from frontdesk.core.web import render_page, request_user, staff_view
from frontdesk.tickets.access import visible_to
from frontdesk.tickets.views._common import desk_context

MAX_QUERY = 200


@staff_view
def search(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    number = query.lstrip("#")
    is_number = number.isdigit() and len(number) < 19
    if is_number and visible_to(user).filter(number=int(number)).exists():
        return redirect("tickets:detail", number=int(number))
    tickets = visible_to(user).none()
    if query:
        match = Q(subject__icontains=query) | Q(requester__email__icontains=query)
        tickets = visible_to(user).filter(match).with_list_relations().select_related("assignee")
    page = keyset_page(tickets, order="-updated_at", cursor=request.GET.get("cursor"), limit=25)
    context = desk_context(user, "search", search_query=query, page=page)
    return render_page(request, "tickets/search.html", context)
