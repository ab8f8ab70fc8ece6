"""Query plans on PostgreSQL: with a few thousand seeded tickets and fresh statistics, the
search, the open-ticket list and the sidebar's view counts use indexes, not a full scan of
the tickets or documents (the shapes that stay fast at 1M, docs/search.md)."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import Desk
from django.db import connection

from frontdesk.demo.seed import seed
from frontdesk.search.backends import PostgresBackend
from frontdesk.search.models import SearchDocument
from frontdesk.search.query import parse
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.queries import TicketFilters, ticket_list
from frontdesk.tickets.queues import QUEUES, queue_tickets

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans"),
]

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def plan(queryset: Any) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        return json.dumps(cursor.fetchone()[0])


def seq_scans(text: str) -> list[str]:
    """The relations a plan reads by sequential scan."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("Node Type") == "Seq Scan":
                found.append(node.get("Relation Name", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(text))
    return found


def test_search_lists_and_counts_use_indexes(desk: Desk) -> None:
    # One seeding for every check (the rows roll back with the test's transaction;
    # ANALYZE counts this transaction's own rows).
    seed(tickets=6000, messages=3, messages_max=5, batch=2000, now=NOW)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    agent = desk.alice  # support; the seeded tickets go to the desk's teams

    # The word and fragment matches must be answerable from the GIN indexes. At 6,000 rows
    # the planner may still prefer other paths (a scan of the small table, or driving the
    # EXISTS from the tickets' primary key), so the document-level match is planned with
    # sequential scans priced out: what this proves is that the match is written in the
    # form the indexes serve, which is what keeps it fast at 1M rows (bench/search.py).
    backend = PostgresBackend()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    sql, params = backend.tsquery(parse("quixotically").positive_terms)
    text = plan(SearchDocument.objects.extra(where=[f"vector @@ ({sql})"], params=params))
    assert "search_document_vector" in text, text

    # A fragment: the vector or the trigram index, never a scan of every document.
    fragment = parse("AT-105555").positive_terms
    text = plan(Ticket.objects.filter(backend.matches(fragment, staff=True)))
    assert "search_document" not in seq_scans(text), text
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = on")

    # The first page of open tickets, for the admin and an agent: an index in update order.
    filters = TicketFilters(status_category=["new", "open", "pending", "on_hold"])
    for user in (desk.carol, agent):
        page = ticket_list(user, filters).order_by("-updated_at", "-pk")[:26]
        text = plan(page)
        assert "tickets_ticket" not in seq_scans(text), text

    # The sidebar's counts: each bounded by LIMIT 1000 at the top of the plan, so a count
    # stops after 1,000 rows whatever the scan below (for broad views like "my teams" the
    # planner rightly prefers a sequential scan that meets 1,000 matches within a few pages).
    for queue in QUEUES:
        text = plan(queue_tickets(agent, queue).order_by()[:1000].values("pk"))
        assert json.loads(text)[0]["Plan"]["Node Type"] == "Limit", queue.slug
