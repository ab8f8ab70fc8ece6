"""API shapes of search results."""

from ninja import Schema

from frontdesk.search.queries import Hit
from frontdesk.tickets.schemas import TicketOut


class SearchHitOut(Schema):
    ticket: TicketOut
    rank: float | None
    subject_html: str
    snippet: str | None
    snippet_source: str | None

    @staticmethod
    def of(hit: Hit) -> "SearchHitOut":
        return SearchHitOut.model_construct(
            ticket=TicketOut.of(hit.ticket),
            rank=hit.rank,
            subject_html=hit.subject_html,
            snippet=hit.snippet,
            snippet_source=hit.snippet_source,
        )


class SearchPageOut(Schema):
    items: list[SearchHitOut]
    next_cursor: str | None
    ranked: bool
