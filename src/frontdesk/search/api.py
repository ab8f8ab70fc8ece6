"""`GET /api/v1/search?q=`: the search box's query language over the API (docs/search.md).

A query the language rejects is a 422 `invalid_query` whose details give the 0-based
`position` to look at; it is never a 500.
"""

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from frontdesk.api.auth import actor
from frontdesk.api.schemas import ERRORS
from frontdesk.core.errors import Invalid
from frontdesk.search.errors import SearchErrorCode
from frontdesk.search.queries import search
from frontdesk.search.query import QueryError
from frontdesk.search.schemas import SearchHitOut, SearchPageOut

router = Router(tags=["search"])


class SearchQuery(Schema):
    q: Annotated[str, Field(max_length=500)] = ""
    cursor: str | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25


@router.get("/search", response={200: SearchPageOut, **ERRORS})
def search_tickets(request: HttpRequest, query: Query[SearchQuery]) -> SearchPageOut:
    """Tickets the caller may see that match `q`, ranked when `q` has free text (else most
    recently updated first), with highlighted snippets (HTML, terms in `<mark>`)."""
    try:
        page = search(actor(request), query.q, cursor=query.cursor, limit=query.limit)
    except QueryError as exc:
        raise Invalid(
            SearchErrorCode.INVALID_QUERY, exc.message, {"position": exc.position}
        ) from exc
    return SearchPageOut(
        items=[SearchHitOut.of(h) for h in page.hits],
        next_cursor=page.next_cursor,
        ranked=page.ranked,
    )
