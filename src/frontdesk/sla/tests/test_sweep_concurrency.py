"""Exactly once under concurrency, on PostgreSQL: two schedulers and four workers sweep
1,000 breaching tickets at the same moment."""

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection

from frontdesk.core import clock, scheduler
from frontdesk.notifications.models import Notification
from frontdesk.sla.actions import save_calendar, save_policy, sweep_due_tickets
from frontdesk.sla.models import SlaEvent
from frontdesk.sla.tasks import sweep_sla_deadlines
from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.models import TicketEvent
from frontdesk.tickets.tests.test_actions import in_threads

TICKETS = 1_000
CREATED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SWEPT = CREATED + timedelta(hours=2)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a server database for real concurrency"
)
@pytest.mark.skipif(
    os.environ.get("FRONTDESK_TEST_TASKS") == "rq",
    reason="RQ's in-process (synchronous) jobs set a SIGALRM timeout, which Python allows only "
    "in the main thread, and this test's schedulers are threads; it runs in the main suites",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_rows")
def test_each_breach_is_recorded_and_notified_once(
    desk: Any, make_ticket: Any, monkeypatch: Any
) -> None:
    calendar = save_calendar(
        actor=desk.carol,
        name="24x7",
        time_zone="UTC",
        weekly={str(d): [["00:00", "00:00"]] for d in range(7)},
    )
    save_policy(
        actor=desk.carol,
        name="Fast",
        calendar_id=calendar.pk,
        targets=[
            {
                "priority": "normal",
                "metric": "first_response",
                "minutes": 60,
                "business_hours": False,
            }
        ],
        escalations=[{"on": "breach", "do": "notify_assignee"}],
    )
    for _ in range(TICKETS):
        make_ticket(now=CREATED, assignee_id=desk.alice.pk)
    monkeypatch.setattr(clock, "now", lambda: SWEPT)
    monkeypatch.setattr(
        scheduler,
        "REGISTRY",
        {"sweep": scheduler.PeriodicJob("sweep", 60, sweep_sla_deadlines)},
    )

    def schedule_or_work(i: int) -> Any:
        return scheduler.tick(SWEPT) if i < 2 else sweep_due_tickets(now=SWEPT)

    results = in_threads(6, schedule_or_work)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(map(str, results[:2])) == ["['sweep']", "[]"]  # one scheduler ran the slot
    breaches = SlaEvent.objects.filter(kind="breach", metric="first_response")
    assert breaches.count() == breaches.values("ticket").distinct().count() == TICKETS
    notes = Notification.objects.filter(kind="sla_breach", recipient=desk.alice)
    assert notes.count() == notes.values("ticket").distinct().count() == TICKETS
    trail = TicketEvent.objects.filter(action=EventAction.SLA_BREACH)
    assert trail.count() == TICKETS
