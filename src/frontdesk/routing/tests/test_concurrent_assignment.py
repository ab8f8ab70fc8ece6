"""Many tickets for one team at once still go round evenly: the team's row lock serialises
the assignments, so no two read the same cursor or the same loads.

PostgreSQL only: SQLite takes the whole database's write lock at BEGIN (IMMEDIATE mode), so
its writers never overlap and there is no race to prove.
"""

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from frontdesk.routing.tests.crew import ORIGIN
from frontdesk.tickets import actions
from frontdesk.tickets.models import Ticket

PARALLEL = 30

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises all writers; the race needs PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_rows"),
]


def in_parallel(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in `count` threads released together, each on its own connection."""
    results: list[Any] = [None] * count
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # reported by the caller's assertion
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def assert_even_and_complete(crew: Any, tickets: list[Ticket]) -> None:
    counts = Counter(t.assignee_id for t in tickets)
    assert None not in counts, counts
    assert set(counts) == {a.pk for a in crew.agents}
    assert max(counts.values()) - min(counts.values()) <= 1, counts


def test_parallel_creations_go_round_the_team_evenly(desk, crew):
    def create(i: int) -> Ticket:
        return actions.create_ticket(
            actor=desk.carol,
            origin=ORIGIN,
            subject=f"Outage report {i}",
            body="Everything is down.",
            requester_email=desk.bob.email,
            team_id=crew.team.pk,
        )

    results = in_parallel(PARALLEL, create)

    assert all(isinstance(r, Ticket) for r in results), results
    assert_even_and_complete(crew, list(Ticket.objects.filter(team=crew.team)))


def test_parallel_moves_into_the_team_go_round_it_evenly(desk, crew, make_ticket):
    """Moves take no ticket-counter lock, so here the team's lock alone keeps the order."""
    numbers = [make_ticket(team=desk.support).number for _ in range(PARALLEL)]

    def move(i: int) -> Ticket:
        return actions.update_ticket(
            actor=desk.carol,
            origin=ORIGIN,
            number=numbers[i],
            changes={"team_id": crew.team.pk},
            expected_version=None,
        )

    results = in_parallel(PARALLEL, move)

    assert all(isinstance(r, Ticket) for r in results), results
    assert_even_and_complete(crew, list(Ticket.objects.filter(number__in=numbers)))
