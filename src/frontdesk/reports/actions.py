"""Keeping the per-ticket metric rows in step with the tickets (ADR 0010).

`save_ticket` (every ticket action) calls `queue_metrics(ticket_id)`: once per ticket and
transaction it registers one after-commit callback, which rebuilds the queued tickets' rows
from their committed history with `compute.compute_metrics`. Nothing is written inside the
action's transaction. A row is stale when its `source_version` differs from the ticket's
`version` (a crash after the commit, or a writer that saves without `save_ticket`) or an SLA
breach was recorded after it was computed: the scheduler's `reports_sweep_stale` job (every
minute) rebuilds those among the tickets changed in the last `SWEEP_WINDOW`, and
`frontdesk reports rebuild` rebuilds everything from the event log.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q

from frontdesk.accounts.choices import STAFF_ROLES
from frontdesk.core import clock
from frontdesk.reports.compute import MessageFact, Metrics, TicketHistory, compute_metrics
from frontdesk.reports.models import ActivePeriod, TicketMetrics
from frontdesk.sla.engine import BusinessCalendar, always_open
from frontdesk.sla.models import SlaEvent, SlaEventKind, SlaPolicy
from frontdesk.sla.policies import calendar_from_row
from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.models import Message, Status, Ticket, TicketEvent

if TYPE_CHECKING:
    from frontdesk.accounts.models import User
    from frontdesk.reports.models import ScheduledReport

log = logging.getLogger(__name__)

BATCH = 500
SWEEP_WINDOW = timedelta(hours=1)
METRIC_FIELDS = [f.attname for f in TicketMetrics._meta.concrete_fields if f.name != "ticket"]


# --- after-commit refresh -----------------------------------------------------------------


@dataclass
class _Batch:
    ids: set[int] = field(default_factory=set)
    flush: Callable[[], None] | None = None
    flushed: bool = False


def queue_metrics(ticket_id: int | None) -> None:
    """Rebuild the ticket's metric row once the current transaction commits."""
    if ticket_id is None:  # a ticket not saved yet: its creation queues it
        return
    if not connection.in_atomic_block:
        refresh_metrics([ticket_id])
        return
    _current_batch().ids.add(ticket_id)


def _current_batch() -> _Batch:
    batch: _Batch | None = getattr(connection, "_frontdesk_reports_batch", None)
    registered = {id(entry[1]) for entry in connection.run_on_commit}
    if batch is not None and not batch.flushed and id(batch.flush) in registered:
        return batch
    fresh = _Batch()

    def flush() -> None:
        fresh.flushed = True
        try:
            refresh_metrics(sorted(fresh.ids))
        except Exception:  # the sweep rebuilds the stale rows
            log.exception("reports: rebuilding the metrics of %d tickets failed", len(fresh.ids))

    fresh.flush = flush
    connection._frontdesk_reports_batch = fresh  # type: ignore[attr-defined]
    transaction.on_commit(flush)
    return fresh


# --- building rows from the event log -----------------------------------------------------


def refresh_metrics(ticket_ids: Sequence[int], *, now: datetime | None = None) -> int:
    """Rebuild the rows of `ticket_ids` from their committed history; returns how many."""
    now = now or clock.now()
    done = 0
    for start in range(0, len(ticket_ids), BATCH):
        chunk = list(ticket_ids[start : start + BATCH])
        with transaction.atomic():
            tickets = list(Ticket.objects.filter(pk__in=chunk).select_for_update(of=("self",)))
            built = build_rows(tickets, now=now)
            _store(tickets, built)
        done += len(tickets)
    return done


def build_rows(
    tickets: Sequence[Ticket], *, now: datetime
) -> list[tuple[TicketMetrics, list[ActivePeriod]]]:
    """The rows `tickets` should have, from the event log and messages (writes nothing)."""
    histories = load_histories(tickets)
    policies = _policies({t.sla_policy_id for t in tickets if t.sla_policy_id})
    rows = []
    for ticket in tickets:
        calendar, targets = policies.get(ticket.sla_policy_id or 0) or (always_open(), set())
        history = replace(
            histories[ticket.pk],
            sla_targets=frozenset(m for p, m in targets if p == ticket.priority),
        )
        metrics = compute_metrics(history, calendar)
        rows.append(_row(ticket, metrics, now))
    return rows


def _row(ticket: Ticket, m: Metrics, now: datetime) -> tuple[TicketMetrics, list[ActivePeriod]]:
    row = TicketMetrics(
        ticket_id=ticket.pk,
        source_version=ticket.version,
        computed_at=now,
        created_at=ticket.created_at,
        channel=ticket.channel,
        type=ticket.type,
        priority=ticket.priority,
        status_category=ticket.status_category,
        team_id=ticket.team_id,
        assignee_id=ticket.assignee_id,
        category_id=ticket.category_id,
        organization_id=ticket.organization_id,
        first_solved_at=m.first_solved_at,
        solved_at=m.solved_at,
        reopen_count=m.reopen_count,
        first_reopened_at=m.first_reopened_at,
        solver_id=m.solver_id,
        public_agent_replies=m.public_agent_replies,
        customer_messages=m.customer_messages,
        internal_notes=m.internal_notes,
        first_response_at=m.first_response_at,
        first_responder_id=m.first_responder_id,
        first_response_seconds=m.first_response_seconds,
        first_response_business_seconds=m.first_response_business_seconds,
        next_response_seconds=m.next_response_seconds,
        next_response_business_seconds=m.next_response_business_seconds,
        next_response_cycles=m.next_response_cycles,
        resolution_seconds=m.resolution_seconds,
        resolution_business_seconds=m.resolution_business_seconds,
        requester_wait_seconds=m.requester_wait_seconds,
        requester_wait_business_seconds=m.requester_wait_business_seconds,
        first_contact_resolution=m.first_contact_resolution,
        sla_first_response=m.sla_first_response,
        sla_next_response=m.sla_next_response,
        sla_periodic_update=m.sla_periodic_update,
        sla_resolution=m.sla_resolution,
    )
    periods = [
        ActivePeriod(
            ticket_id=ticket.pk,
            started_at=start,
            ended_at=end,
            created_at=ticket.created_at,
            channel=ticket.channel,
            type=ticket.type,
            priority=ticket.priority,
            team_id=ticket.team_id,
            assignee_id=ticket.assignee_id,
            category_id=ticket.category_id,
            organization_id=ticket.organization_id,
        )
        for start, end in m.active_periods
    ]
    return row, periods


def _store(
    tickets: Sequence[Ticket], built: list[tuple[TicketMetrics, list[ActivePeriod]]]
) -> None:
    ids = [t.pk for t in tickets]
    TicketMetrics.objects.bulk_create(
        [row for row, _ in built],
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=[name for name in METRIC_FIELDS if name != "ticket_id"],
    )
    ActivePeriod.objects.filter(ticket_id__in=ids).delete()
    ActivePeriod.objects.bulk_create([p for _, periods in built for p in periods])


def load_histories(tickets: Sequence[Ticket]) -> dict[int, TicketHistory]:
    """Each ticket's history from the audit trail, its messages and its SLA record: five
    queries for the whole batch."""
    ids = [t.pk for t in tickets]
    category_of = dict(Status.objects.values_list("slug", "category"))
    status_rows: dict[int, list[tuple[datetime, object, object]]] = defaultdict(list)
    assignee_rows: dict[int, list[tuple[datetime, object, object]]] = defaultdict(list)
    events = (
        TicketEvent.objects.filter(
            ticket_id__in=ids, action=EventAction.CHANGED, field__in=["status", "assignee"]
        )
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "field", "created_at", "old_value", "new_value")
    )
    for ticket_id, name, at, old, new in events:
        target = status_rows if name == "status" else assignee_rows
        target[ticket_id].append((at, old, new))
    messages: dict[int, list[MessageFact]] = defaultdict(list)
    rows = (
        Message.objects.filter(ticket_id__in=ids)
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "created_at", "kind", "is_public", "author_id", "author__role")
    )
    for ticket_id, at, kind, public, author_id, role in rows:
        messages[ticket_id].append(MessageFact(at, kind, public, role in STAFF_ROLES, author_id))
    breached: dict[int, set[str]] = defaultdict(set)
    for ticket_id, metric in SlaEvent.objects.filter(
        ticket_id__in=ids, kind=SlaEventKind.BREACH
    ).values_list("ticket_id", "metric"):
        breached[ticket_id].add(metric)
    histories = {}
    for ticket in tickets:
        changes = status_rows[ticket.pk]
        initial = (
            category_of.get(str(changes[0][1]), ticket.status_category)
            if changes
            else (ticket.status_category)
        )
        status_changes = [(ticket.created_at, initial)]
        for at, _old, new in changes:
            status_changes.append((at, category_of.get(str(new), status_changes[-1][1])))
        assignments = assignee_rows[ticket.pk]
        first_assignee = _user_id(assignments[0][1]) if assignments else ticket.assignee_id
        assignee_changes = [(ticket.created_at, first_assignee)]
        assignee_changes += [(at, _user_id(new)) for at, _old, new in assignments]
        clocks = ticket.sla_clocks or {}
        histories[ticket.pk] = TicketHistory(
            created_at=ticket.created_at,
            status_changes=tuple(status_changes),
            assignee_changes=tuple(assignee_changes),
            messages=tuple(messages[ticket.pk]),
            sla_clocks={m: bool(state.get("running")) for m, state in clocks.items()},
            sla_breached=frozenset(breached[ticket.pk]),
        )
    return histories


def _user_id(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _policies(policy_ids: set[int]) -> dict[int, tuple[BusinessCalendar, set[tuple[int, str]]]]:
    """Each policy's calendar and its (priority, metric) targets."""
    if not policy_ids:
        return {}
    rows = SlaPolicy.objects.filter(pk__in=policy_ids).select_related("calendar")
    rows = rows.prefetch_related("calendar__holidays", "targets")
    return {
        row.pk: (
            calendar_from_row(row.calendar),
            {(t.priority, t.metric) for t in row.targets.all()},
        )
        for row in rows
    }


# --- the sweep and the rebuild ------------------------------------------------------------


def stale_ticket_ids(*, now: datetime, window: timedelta = SWEEP_WINDOW) -> list[int]:
    since = now - window
    changed = Ticket.objects.filter(updated_at__gte=since).filter(
        Q(metrics__isnull=True) | ~Q(metrics__source_version=F("version"))
    )
    breaches = SlaEvent.objects.filter(
        ticket=OuterRef("pk"),
        created_at__gte=since,
        created_at__gt=OuterRef("metrics__computed_at"),
    )
    breached = Ticket.objects.filter(
        pk__in=SlaEvent.objects.filter(created_at__gte=since).values("ticket_id")
    ).filter(Exists(breaches))
    ids = set(changed.values_list("pk", flat=True)) | set(breached.values_list("pk", flat=True))
    return sorted(ids)


def sweep_stale(*, now: datetime | None = None) -> int:
    now = now or clock.now()
    return refresh_metrics(stale_ticket_ids(now=now), now=now)


def all_ticket_ids(batch: int = 10_000) -> Iterator[list[int]]:
    last = 0
    while True:
        ids = list(
            Ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def rebuild_all(*, now: datetime | None = None) -> int:
    """Every ticket's rows rebuilt from its history (`frontdesk reports rebuild`)."""
    now = now or clock.now()
    total = 0
    for ids in all_ticket_ids():
        total += refresh_metrics(ids, now=now)
    TicketMetrics.objects.exclude(ticket_id__in=Ticket.objects.values("pk")).delete()
    return total


# --- scheduled reports --------------------------------------------------------------------

SCHEDULE_PAGES = ("overview", "teams", "agents", "channels", "sla")


def create_schedule(
    *,
    actor: "User",
    name: str,
    page: str,
    query: str,
    frequency: str,
    weekday: str | int,
    hour: str | int,
    recipient_ids: Sequence[str | int],
    now: datetime | None = None,
) -> "ScheduledReport":
    """A report page emailed daily or weekly to supervisors and administrators."""
    from frontdesk.accounts.models import User
    from frontdesk.core.errors import Invalid
    from frontdesk.reports.access import REPORT_READERS, require_report_reader
    from frontdesk.reports.models import ScheduledReport

    require_report_reader(actor)
    name = name.strip()[:100]
    if not name:
        raise Invalid("invalid_schedule", "Give the schedule a name.", {"field": "name"})
    if page not in SCHEDULE_PAGES or frequency not in ("daily", "weekly"):
        raise Invalid("invalid_schedule", "Unknown page or frequency.", {"field": "page"})
    try:
        weekday, hour = int(weekday), int(hour)
        ids = [int(i) for i in recipient_ids]
    except (TypeError, ValueError):
        raise Invalid("invalid_schedule", "Weekday, hour and people are numbers.") from None
    if not (0 <= weekday <= 6 and 0 <= hour <= 23):
        raise Invalid("invalid_schedule", "Weekday 0-6 and hour 0-23.", {"field": "hour"})
    people = list(User.objects.filter(pk__in=ids, is_active=True, role__in=REPORT_READERS))
    if not people or len(people) != len(set(ids)):
        raise Invalid(
            "invalid_schedule",
            "Choose at least one recipient; only supervisors and administrators get reports.",
            {"field": "recipients"},
        )
    with transaction.atomic():
        schedule = ScheduledReport.objects.create(
            name=name,
            owner=actor,
            page=page,
            query=query.lstrip("?")[:1000],
            frequency=frequency,
            weekday=weekday,
            hour=hour,
            created_at=now or clock.now(),
        )
        schedule.recipients.set(people)
    return schedule


def delete_schedule(*, actor: "User", schedule_id: int) -> None:
    from frontdesk.core.errors import NotFound
    from frontdesk.reports.access import require_report_reader
    from frontdesk.reports.models import ScheduledReport

    require_report_reader(actor)
    schedules = ScheduledReport.objects.filter(pk=schedule_id)
    if actor.role != "admin":
        schedules = schedules.filter(owner=actor)
    if not schedules.delete()[0]:
        raise NotFound("No such schedule.")


def is_due(schedule: "ScheduledReport", now: datetime) -> bool:
    today = now.date()
    if schedule.last_sent_on == today or now.hour < schedule.hour:
        return False
    return schedule.frequency == "daily" or today.weekday() == schedule.weekday


def send_due_reports(*, now: datetime | None = None) -> int:
    """Email every schedule due by `now` (at most once a day each) through the outbox;
    numbers as the schedule's owner sees them. Returns how many were queued."""
    from django.http import QueryDict

    from frontdesk.outbox.actions import queue_report_email
    from frontdesk.reports import queries
    from frontdesk.reports.access import can_read_reports
    from frontdesk.reports.models import ScheduledReport
    from frontdesk.reports.summary import summary_text

    now = now or clock.now()
    sent = 0
    schedules = ScheduledReport.objects.filter(is_active=True).select_related("owner")
    for schedule in schedules.prefetch_related("recipients"):
        if not is_due(schedule, now) or not can_read_reports(schedule.owner):
            continue
        params = QueryDict(schedule.query)
        base = queries.parse_filters(params, today=now.date())
        if "from" not in params and "to" not in params:
            days = 1 if schedule.frequency == "daily" else 7
            end = now.date() - timedelta(days=1)
            base = replace(base, start=end - timedelta(days=days - 1), end=end)
        subject, body = summary_text(schedule.owner, schedule, base)
        with transaction.atomic():
            to = [u.email for u in schedule.recipients.all() if u.is_active]
            email = queue_report_email(
                to=to, subject=subject, body_text=body, key=f"{schedule.pk}:{now.date()}", now=now
            )
            ScheduledReport.objects.filter(pk=schedule.pk).update(last_sent_on=now.date())
        sent += email is not None
    return sent
