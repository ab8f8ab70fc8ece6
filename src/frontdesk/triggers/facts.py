"""What just happened to a ticket, as the rule engine sees it (`EventFacts`), built from a
ticket action's field changes; and when each kind of event last happened to a set of
tickets (for `hours_since.*`), read in a fixed number of queries however many tickets.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Max, Q

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Team, User
from frontdesk.automation.conditions import EventFacts, EventKind
from frontdesk.sla.models import SlaEvent, SlaEventKind
from frontdesk.tickets.choices import EventAction, MessageKind
from frontdesk.tickets.events import FieldChange
from frontdesk.tickets.models import Message, Status, Ticket, TicketEvent

# A FieldChange's field -> the condition field it changes.
_FIELD_NAMES = {
    "subject": "subject",
    "status": "status",
    "priority": "priority",
    "type": "type",
    "category": "category",
    "team": "team",
    "assignee": "assignee_id",
    "tags": "tags",
}


def actor_role(actor: User | None) -> str:
    return str(actor.role) if actor is not None else "system"


def update_kind(
    changes: Iterable[FieldChange], *, requested: Collection[str] | None = None
) -> EventKind:
    """The kind of an update: the most telling of the fields it changed (a status change,
    then an assignment), else `updated`. With `requested` (the fields the actor asked to
    change), changes the action made by itself (a new ticket opening on its first update)
    do not count. `event.changed` lists every changed field either way."""
    fields = {change.field for change in changes}
    if requested is not None:
        asked = {_REQUESTED.get(name, name) for name in requested}
        fields &= asked
    if "status" in fields:
        return "status_changed"
    if "assignee" in fields:
        return "assigned"
    return "updated"


_REQUESTED = {"assignee_id": "assignee", "team_id": "team"}


def event_facts(
    kind: EventKind,
    *,
    actor: User | None,
    now: datetime,
    changes: Iterable[FieldChange] = (),
    since: Mapping[str, datetime] | None = None,
) -> EventFacts:
    """The event, with the changed fields named as conditions name them and their values
    before the event (`previous.*`) in the facts' representation."""
    changed: set[str] = set()
    previous: dict[str, Any] = {}
    for change in changes:
        if change.field == "custom_fields":
            old, new = dict(change.old or {}), dict(change.new or {})
            for key in set(old) | set(new):
                if old.get(key) != new.get(key):
                    changed.add(f"custom.{key}")
                    previous[f"custom.{key}"] = old.get(key)
            continue
        name = _FIELD_NAMES.get(change.field)
        if name is None:
            continue
        changed.add(name)
        previous[name] = _previous_value(change)
        if name == "status":
            changed.add("status_category")
            previous["status_category"] = (
                Status.objects.filter(slug=change.old).values_list("category", flat=True).first()
            )
    return EventFacts(
        kind=kind,
        actor_role=actor_role(actor),
        occurred_at=now,
        changed_fields=frozenset(changed),
        previous=previous,
        since=dict(since or {}),
    )


def _previous_value(change: FieldChange) -> Any:
    match change.field:
        case "priority":
            return str(change.old).lower() if change.old is not None else None  # a label
        case "team":
            if change.old is None:
                return None
            return Team.objects.filter(pk=change.old).values_list("slug", flat=True).first()
        case "tags":
            return frozenset(change.old or ())
    return change.old


# --- when things last happened ------------------------------------------------------------


def last_moments(
    tickets: Sequence[Ticket], kinds: Collection[str]
) -> dict[int, dict[str, datetime]]:
    """Ticket id -> event kind -> when it last happened, for the `kinds` asked (one query
    per kind that needs one). `status_changed` falls back to creation: a ticket whose
    status never changed has been in it since then."""
    found: dict[int, dict[str, datetime]] = {t.pk: {} for t in tickets}
    if not tickets or not kinds:
        return found
    ids = list(found)
    for ticket in tickets:
        if "created" in kinds:
            found[ticket.pk]["created"] = ticket.created_at
        if "updated" in kinds:
            found[ticket.pk]["updated"] = ticket.updated_at
        if "agent_replied" in kinds and ticket.last_agent_reply_at is not None:
            found[ticket.pk]["agent_replied"] = ticket.last_agent_reply_at
    queries = {
        "status_changed": _latest_events_query(Q(action=EventAction.CHANGED, field="status")),
        "assigned": _latest_events_query(
            Q(action=EventAction.CHANGED, field="assignee", new_value__isnull=False)
            | Q(action=EventAction.AUTO_ASSIGNED),
        ),
        "customer_replied": _latest_customer_messages,
        "sla_warning": _latest_sla(SlaEventKind.WARNING),
        "sla_breach": _latest_sla(SlaEventKind.BREACH),
    }
    for kind, query in queries.items():
        if kind in kinds:
            for ticket_id, moment in query(ids):
                found[ticket_id][kind] = moment
    if "status_changed" in kinds:
        for ticket in tickets:
            found[ticket.pk].setdefault("status_changed", ticket.created_at)
    return found


def _latest_events(ids: list[int], which: Q) -> list[tuple[int, datetime]]:
    rows = (
        TicketEvent.objects.filter(which, ticket_id__in=ids)
        .values("ticket_id")
        .annotate(at=Max("created_at"))
        .values_list("ticket_id", "at")
    )
    return list(rows)


def _latest_events_query(which: Q) -> Any:
    return lambda ids: _latest_events(ids, which)


def _latest_customer_messages(ids: list[int]) -> list[tuple[int, datetime]]:
    rows = (
        Message.objects.filter(
            ticket_id__in=ids, kind=MessageKind.REPLY, author__role=Role.CUSTOMER
        )
        .values("ticket_id")
        .annotate(at=Max("created_at"))
        .values_list("ticket_id", "at")
    )
    return list(rows)


def _latest_sla(kind: str) -> Any:
    def query(ids: list[int]) -> list[tuple[int, datetime]]:
        rows = (
            SlaEvent.objects.filter(ticket_id__in=ids, kind=kind)
            .values("ticket_id")
            .annotate(at=Max("created_at"))
            .values_list("ticket_id", "at")
        )
        return list(rows)

    return query
