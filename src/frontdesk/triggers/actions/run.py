"""Running the active triggers on a ticket event, inside the event's transaction
(docs/adr/0009-triggers-in-the-transaction.md).

Every ticket action calls `run_triggers` (through `triggers.hooks.ticket_event`) after it
has written its change: the triggers' changes, their record and the event commit together,
or not at all. With no active trigger this costs nothing (the triggers are cached).

Loop safety: each trigger fires at most once per event (the engine), and the firings on a
ticket within one event chain are capped at `MAX_FIRINGS` (the engine's cap). A chain is
an event and every event its triggers' effects cause before it ends (a macro or a handler
that updates the ticket again runs the triggers again, nested): they share one budget, so
two triggers that re-fire each other through such effects stop at the cap, and the record
says so.
"""

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from frontdesk.automation.conditions import EventFacts, TicketFacts, evaluate
from frontdesk.automation.rules import DEFAULT_MAX_FIRINGS, Rule, RunResult, run_rules
from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.events import SYSTEM_ORIGIN, announce_change, build_event
from frontdesk.tickets.facts import ticket_facts
from frontdesk.tickets.models import Status, Ticket, TicketEvent
from frontdesk.triggers.actions.apply import FiringRecord, carry_out
from frontdesk.triggers.facts import last_moments
from frontdesk.triggers.models import TriggerRun
from frontdesk.triggers.rulebook import active_triggers

log = logging.getLogger(__name__)

MAX_FIRINGS = DEFAULT_MAX_FIRINGS  # per ticket and event chain

_chain: ContextVar[dict[int, int] | None] = ContextVar("trigger_chain", default=None)


@contextlib.contextmanager
def event_chain() -> Iterator[dict[int, int]]:
    """The firing budget of the current chain (ticket id -> firings so far); the outermost
    call starts one, nested calls share it."""
    budget = _chain.get()
    if budget is not None:
        yield budget
        return
    budget = {}
    token = _chain.set(budget)
    try:
        yield budget
    finally:
        _chain.reset(token)


def run_triggers(
    ticket: Ticket, event: EventFacts, *, now: datetime, body: str = ""
) -> list[FiringRecord]:
    """Run the active triggers on `ticket` (locked and saved by the caller) for `event`,
    inside the caller's transaction; carry out what fired and record it. Returns the
    firings' records."""
    book = active_triggers()
    if not book.rules:
        return []
    with event_chain() as budget:
        used = budget.get(ticket.pk, 0)
        if book.since_kinds:
            moments = last_moments([ticket], book.since_kinds)[ticket.pk]
            event = EventFacts(
                kind=event.kind,
                actor_role=event.actor_role,
                occurred_at=event.occurred_at,
                changed_fields=event.changed_fields,
                previous=event.previous,
                since={**moments, **event.since},
            )
        facts = ticket_facts(ticket, body=body)
        categories = (
            dict(Status.objects.values_list("slug", "category")) if book.sets_status else {}
        )
        local_now = timezone.localtime(now)  # time_of_day and weekday: the desk's clock
        result = run_rules(
            book.rules,
            facts,
            event,
            now=local_now,
            max_firings=max(0, MAX_FIRINGS - used),
            status_categories=categories,
        )
        budget[ticket.pk] = used + len(result.fired)
        if not result.fired and not result.capped:
            return []
        records = _carry_out_safely(ticket, result, facts, now=now, event=event.kind)
        if result.capped:
            records.append(_cap_record(book.rules, result, event, local_now))
        write_records(ticket, records, kind="trigger", event=event.kind, now=now)
        return records


def _carry_out_safely(
    ticket: Ticket, result: RunResult, facts: TicketFacts, *, now: datetime, event: str
) -> list[FiringRecord]:
    """`carry_out` in a savepoint: an unexpected failure undoes the triggers' changes, is
    logged, and leaves the event that ran them intact."""
    try:
        with transaction.atomic():
            return carry_out(ticket, result, facts, now=now, event=event).records
    except Exception:
        log.exception("triggers on ticket %s failed; their changes were undone", ticket.pk)
        ticket.refresh_from_db()
        return [
            FiringRecord(
                fired.rule_id,
                fired.name,
                list(fired.explanation),
                skipped={"*": "failed; see the server log"},
            )
            for fired in result.fired
        ]


def _cap_record(
    rules: tuple[Rule, ...], result: RunResult, event: EventFacts, now: datetime
) -> FiringRecord:
    """The record that the cap stopped a trigger that would have fired."""
    fired = {firing.rule_id for firing in result.fired}
    blocked = next(
        (
            rule
            for rule in rules
            if rule.id not in fired and evaluate(rule.condition, result.ticket, event, now=now)
        ),
        None,
    )
    name = blocked.name if blocked else ""
    return FiringRecord(
        blocked.id if blocked else 0,
        name,
        [f"not run: the firing cap ({MAX_FIRINGS} per ticket and event chain) was reached"],
        capped=True,
    )


def write_records(
    ticket: Ticket,
    records: list[FiringRecord],
    *,
    kind: str,
    event: str,
    now: datetime,
) -> None:
    """One internal `triggered` event on the ticket per record, and (for triggers) one
    TriggerRun row each, for the admin pages' log."""
    if not records:
        return
    TicketEvent.objects.bulk_create(
        [
            build_event(
                ticket,
                EventAction.TRIGGERED,
                actor=None,
                origin=SYSTEM_ORIGIN,
                now=now,
                new=record.event_value(kind, event),
            )
            for record in records
        ]
    )
    announce_change(ticket, EventAction.TRIGGERED, actor=None)
    if kind != "trigger":
        return
    TriggerRun.objects.bulk_create(
        [
            TriggerRun(
                trigger_id=record.rule_id or None,
                trigger_name=record.name,
                ticket=ticket,
                event=event,
                why=record.why,
                changes=record.changes,
                effects=record.effects,
                skipped=record.skipped,
                stopped=record.stopped,
                capped=record.capped,
                created_at=now,
            )
            for record in records
        ]
    )
