"""Keeping rows current without the after-commit callback: the stale sweep (a crash after
commit, a writer that bypasses save_ticket) and `frontdesk reports rebuild`."""

from io import StringIO
from typing import Any

from django.core.management import call_command

from frontdesk.core import clock
from frontdesk.reports import actions as report_actions
from frontdesk.reports.models import TicketMetrics
from frontdesk.tickets.actions import post_reply
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket


def test_sweep_rebuilds_missing_and_behind_rows(desk: Any, make_ticket: Any) -> None:
    # In a test transaction the after-commit rebuild never runs: like a crash after commit.
    ticket = make_ticket()
    assert not TicketMetrics.objects.exists()
    assert report_actions.stale_ticket_ids(now=clock.now()) == [ticket.pk]
    assert report_actions.sweep_stale() == 1
    assert TicketMetrics.objects.get().source_version == 1
    post_reply(actor=desk.alice, origin=Origin(), number=ticket.number, body="Hello")
    version = Ticket.objects.get(pk=ticket.pk).version
    assert report_actions.stale_ticket_ids(now=clock.now()) == [ticket.pk]
    report_actions.sweep_stale()
    row = TicketMetrics.objects.get()
    assert row.source_version == version
    assert row.public_agent_replies == 1
    assert report_actions.stale_ticket_ids(now=clock.now()) == []


def test_rebuild_command(desk: Any, make_ticket: Any) -> None:
    make_ticket()
    make_ticket()
    out = StringIO()
    call_command("reports", "rebuild", stdout=out)
    assert out.getvalue().startswith("rebuilt the metrics of 2 tickets")
    assert TicketMetrics.objects.count() == 2
