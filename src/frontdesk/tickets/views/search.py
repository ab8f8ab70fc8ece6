"""The global search box: the query language of `search.queries` (docs/search.md).

A bare ticket number (`1042` or `#1042`) the user can see opens that ticket; anything else
lists ranked, highlighted results. A query the language rejects is shown back with the
error under the box (a 200 page, never a 500).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontdesk.core.web import render_page, request_user, staff_view
from frontdesk.search.queries import SearchPage
from frontdesk.search.queries import search as run_search
from frontdesk.search.query import QueryError
from frontdesk.tickets.access import visible_to
from frontdesk.tickets.views._common import desk_context

MAX_QUERY = 500


@staff_view
def search(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    number = query.removeprefix("#")
    if number.isdigit() and len(number) < 19 and visible_to(user).filter(number=number).exists():
        return redirect("tickets:detail", number=int(number))
    page: SearchPage | None = None
    error: QueryError | None = None
    if query:
        try:
            page = run_search(user, query, cursor=request.GET.get("cursor"), limit=25)
        except QueryError as exc:
            error = exc
    context = desk_context(
        user,
        "search",
        search_query=query,
        page=page,
        query_error=error,
        error_before=query[: error.position] if error else "",
        error_after=query[error.position :] if error else "",
    )
    return render_page(request, "tickets/search.html", context)
