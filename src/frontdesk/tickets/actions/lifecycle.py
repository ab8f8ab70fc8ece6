"""Time-driven lifecycle changes, run by the scheduler."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from frontdesk.core import clock
from frontdesk.tickets.actions._common import default_status, save_ticket, set_status, touch
from frontdesk.tickets.choices import EventAction, StatusCategory
from frontdesk.tickets.events import SYSTEM_ORIGIN, record_changes, record_event
from frontdesk.tickets.models import Ticket
from frontdesk.triggers.hooks import update_event

BATCH = 500


def close_solved_tickets(*, now: datetime | None = None, limit: int = 10_000) -> int:
    """Close tickets solved more than FRONTDESK_AUTO_CLOSE_DAYS ago. Idempotent: a ticket
    already closed, or reopened meanwhile, no longer matches. Returns how many closed."""
    now = now or clock.now()
    cutoff = now - timedelta(days=settings.FRONTDESK_AUTO_CLOSE_DAYS)
    closed_status = default_status(StatusCategory.CLOSED)
    done = 0
    while done < limit:
        with transaction.atomic():
            batch = list(
                Ticket.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("status")
                .filter(status_category=StatusCategory.SOLVED, solved_at__lte=cutoff)
                .order_by("solved_at")[:BATCH]
            )
            for ticket in batch:
                change = set_status(ticket, closed_status, now)
                touch(ticket, now)
                save_ticket(ticket, now)
                record_event(
                    ticket, EventAction.AUTO_CLOSED, actor=None, origin=SYSTEM_ORIGIN, now=now
                )
                record_changes(
                    ticket, [change] if change else [], actor=None, origin=SYSTEM_ORIGIN, now=now
                )
                update_event(ticket, [change] if change else [], actor=None, now=now)
        done += len(batch)
        if len(batch) < BATCH:
            break
    return done
