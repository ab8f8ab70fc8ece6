"""The search job through the configured task backend (the RQ backend on Redis in the
scale-out CI run, `FRONTDESK_TEST_TASKS=rq`; the immediate backend otherwise)."""

import os
from datetime import timedelta
from typing import Any

from conftest import Desk
from django.tasks import task_backends

from frontdesk.core import clock
from frontdesk.search.models import PendingDocument, SearchDocument
from frontdesk.search.tasks import search_flush_pending
from frontdesk.tickets import actions
from frontdesk.tickets.events import Origin


def test_the_job_rebuilds_what_a_crash_left_pending(desk: Desk, make_ticket: Any) -> None:
    if os.environ.get("FRONTDESK_TEST_TASKS") == "rq":
        assert type(task_backends["default"]).__name__ == "RQBackend"
    ticket = make_ticket(subject="Heater rattles")  # in a test transaction: no after-commit
    actions.add_note(actor=desk.alice, origin=Origin(), number=ticket.number, body="tamarind")
    assert PendingDocument.objects.filter(ticket=ticket).exists()
    PendingDocument.objects.update(queued_at=clock.now() - timedelta(minutes=5))
    result = search_flush_pending.enqueue()
    if type(task_backends["default"]).__name__ == "RQBackend":
        result.refresh()  # RQ keeps the result in Redis; the immediate backend has it here
    assert result.return_value == 1
    assert "tamarind" in SearchDocument.objects.get(ticket=ticket).internal_text
    assert not PendingDocument.objects.exists()
