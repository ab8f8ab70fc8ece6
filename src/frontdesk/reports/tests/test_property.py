"""The kept metric rows always equal a from-scratch recomputation from the event log,
after random sequences of ticket actions (replies from agents and customers, notes, status
changes including solving, pending and reopening, reassignment, priority changes), with
the after-commit rebuild running as it does for requests."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.core import clock
from frontdesk.reports import actions as report_actions
from frontdesk.reports.models import ActivePeriod, TicketMetrics
from frontdesk.reports.tests.conftest import berlin
from frontdesk.tickets.actions import add_note, create_ticket, post_reply, update_ticket
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket

ORIGIN = Origin()
STEP = st.tuples(
    st.sampled_from(
        [
            "agent_reply",
            "agent_reply_solve",
            "agent_reply_pending",
            "customer_reply",
            "note",
            "solve",
            "reopen",
            "hold",
            "assign_sam",
            "assign_alice",
            "priority_high",
        ]
    ),
    st.integers(min_value=1, max_value=60 * 30),  # minutes after the previous step
)


def _kept_and_rebuilt(ticket: Ticket) -> tuple[dict[str, Any], dict[str, Any]]:
    kept = TicketMetrics.objects.get(ticket=ticket)
    periods = list(
        ActivePeriod.objects.filter(ticket=ticket)
        .order_by("started_at")
        .values_list("started_at", "ended_at")
    )
    fresh = Ticket.objects.get(pk=ticket.pk)
    [(row, rebuilt_periods)] = report_actions.build_rows([fresh], now=clock.now())
    fields = [f for f in report_actions.METRIC_FIELDS if f != "computed_at"]
    left = {f: getattr(kept, f) for f in fields} | {"periods": periods}
    right = {f: getattr(row, f) for f in fields} | {
        "periods": [(p.started_at, p.ended_at) for p in rebuilt_periods]
    }
    return left, right


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=8), start_hour=st.integers(0, 23))
def test_kept_rows_equal_recomputation(
    desk: Any, office_policy: Any, committed: Any, steps: list[tuple[str, int]], start_hour: int
) -> None:
    if not Ticket.objects.exists():
        office_policy()
    at = berlin(11, 23, 1) + timedelta(hours=start_hour)
    ticket = committed(
        lambda: create_ticket(
            actor=desk.carol,
            origin=ORIGIN,
            subject="Random",
            body="Random history.",
            requester_email=desk.bob.email,
            team_id=desk.support.pk,
            now=at,
        )
    )
    for kind, minutes in steps:
        at += timedelta(minutes=minutes)
        number = ticket.number
        current = Ticket.objects.get(pk=ticket.pk).status_category
        if current == "closed":
            break

        def change(changes: dict[str, Any], when: Any = at, number: int = number) -> Any:
            return update_ticket(
                actor=desk.sam,
                origin=ORIGIN,
                number=number,
                changes=changes,
                expected_version=None,
                now=when,
            )

        def reply(
            actor: Any, status: str | None = None, when: Any = at, number: int = number
        ) -> Any:
            return post_reply(
                actor=actor, origin=ORIGIN, number=number, body="Hi", status=status, now=when
            )

        def note(when: Any = at, number: int = number) -> Any:
            return add_note(actor=desk.alice, origin=ORIGIN, number=number, body="Note", now=when)

        write: Callable[[], Any] = {
            "agent_reply": lambda: reply(desk.alice),
            "agent_reply_solve": lambda: reply(desk.alice, "solved"),
            "agent_reply_pending": lambda: reply(desk.alice, "pending"),
            "customer_reply": lambda: reply(desk.bob),
            "note": lambda: note(),
            "solve": lambda: change({"status": "solved"}),
            "reopen": lambda: change({"status": "open"}),
            "hold": lambda: change({"status": "on-hold"}),
            "assign_sam": lambda: change({"assignee_id": desk.sam.pk}),
            "assign_alice": lambda: change({"assignee_id": desk.alice.pk}),
            "priority_high": lambda: change({"priority": "high"}),
        }[kind]
        try:
            committed(write)
        except Exception as error:  # a refused step (e.g. an unknown transition) is skipped
            if not hasattr(error, "code"):
                raise
    left, right = _kept_and_rebuilt(ticket)
    assert left == right
