"""The one call ticket actions make after writing a change: run the triggers on it.

Kept free of imports of `tickets.actions` (which imports this module), so the trigger
machinery, which uses the ticket actions' appliers, is loaded on first use.

Other apps listen to the same events (`add_listener`; webhooks do): each listener is told
after the triggers ran, inside the event's transaction, when its `wants(kind)` (which must
be cheap: it runs on every ticket write) says so.
"""

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from frontdesk.accounts.models import User
from frontdesk.automation.conditions import EventKind
from frontdesk.tickets.events import FieldChange
from frontdesk.tickets.models import Ticket


def ticket_event(
    ticket: Ticket,
    kind: EventKind,
    *,
    actor: User | None,
    now: datetime,
    changes: Iterable[FieldChange] = (),
    body: str = "",
) -> None:
    """Run the active triggers for what `actor` just did to the (locked, saved) ticket,
    inside the caller's transaction. `changes`: the fields the event changed; `body`: the
    text of the message behind it (the first message, a reply, a note)."""
    from frontdesk.triggers.actions.run import run_triggers
    from frontdesk.triggers.facts import event_facts
    from frontdesk.triggers.rulebook import active_triggers

    changes = list(changes)
    if active_triggers().rules:
        event = event_facts(kind, actor=actor, now=now, changes=changes)
        run_triggers(ticket, event, now=now, body=body)
    for listener in _LISTENERS:
        if listener.wants(kind):
            listener.on_event(ticket, kind, actor=actor, now=now, changes=changes, body=body)


class OnEvent(Protocol):
    def __call__(
        self,
        ticket: Ticket,
        kind: str,
        *,
        actor: User | None,
        now: datetime,
        changes: Sequence[FieldChange],
        body: str,
    ) -> None: ...


@dataclass(frozen=True)
class EventListener:
    name: str
    wants: Callable[[str], bool]  # cheap: is anyone interested in events of this kind?
    on_event: OnEvent


_LISTENERS: list[EventListener] = []


def add_listener(listener: EventListener) -> None:
    """Tell `listener` about every ticket event (one per name: adding again replaces it)."""
    _LISTENERS[:] = [existing for existing in _LISTENERS if existing.name != listener.name]
    _LISTENERS.append(listener)


def _listening(kinds: Iterable[str]) -> bool:
    return any(listener.wants(kind) for listener in _LISTENERS for kind in kinds)


def update_event(
    ticket: Ticket,
    changes: Iterable[FieldChange],
    *,
    actor: User | None,
    now: datetime,
    requested: Collection[str] | None = None,
) -> None:
    """`ticket_event` for a change of fields: its kind follows what changed (of the
    `requested` fields, when given; see `facts.update_kind`)."""
    from frontdesk.triggers.facts import update_kind

    changes = list(changes)
    kind = update_kind(changes, requested=requested)
    ticket_event(ticket, kind, actor=actor, now=now, changes=changes)


def sla_trigger_events(due: Mapping[int, str], *, now: datetime) -> None:
    """The SLA sweep's warnings and breaches (ticket id -> `sla_warning` / `sla_breach`),
    as events for the triggers; the tickets are read again, as the escalations left them
    (they are locked by the sweep's transaction)."""
    from frontdesk.triggers.rulebook import active_triggers

    if not due or not (active_triggers().rules or _listening(("sla_warning", "sla_breach"))):
        return
    tickets = Ticket.objects.filter(pk__in=list(due)).select_related(
        "requester", "organization", "status", "team", "category", "assignee"
    )
    for ticket in tickets.order_by("pk"):
        kind: EventKind = "sla_breach" if due[ticket.pk] == "sla_breach" else "sla_warning"
        ticket_event(ticket, kind, actor=None, now=now)
