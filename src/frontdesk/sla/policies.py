"""Reading SLA configuration rows into the engine's plain values, and choosing a policy.

Every ticket action asks for the active policies, so they are kept per process for
`CACHE_SECONDS` (and dropped at once in the process that changes them, after commit). Another
process sees a change within that time; docs/configuration.md says so.
"""

import threading
import time as monotonic_time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction

from frontdesk.automation.conditions import (
    Condition,
    EventFacts,
    TicketFacts,
    evaluate,
    parse_condition,
)
from frontdesk.sla.clocks import Escalation, PolicySpec
from frontdesk.sla.engine import BusinessCalendar, Holiday, Interval, Target
from frontdesk.sla.models import BusinessCalendar as CalendarRow
from frontdesk.sla.models import CalendarHoliday, SlaPolicy

CACHE_SECONDS = 10.0


@dataclass(frozen=True)
class ActivePolicy:
    spec: PolicySpec
    condition: Condition | None  # None: covers every ticket


_lock = threading.Lock()
_cached: tuple[float, tuple[ActivePolicy, ...]] | None = None


def active_policies() -> tuple[ActivePolicy, ...]:
    """The active policies in the order they are tried."""
    global _cached
    with _lock:
        if _cached is not None and monotonic_time.monotonic() - _cached[0] < CACHE_SECONDS:
            return _cached[1]
    policies = _load()
    with _lock:
        _cached = (monotonic_time.monotonic(), policies)
    return policies


def forget_policies() -> None:
    """Drop the cached policies now (tests) ..."""
    global _cached
    with _lock:
        _cached = None


def forget_policies_after_commit() -> None:
    """... or once the transaction that changed them commits (actions)."""
    transaction.on_commit(forget_policies)


def choose_policy(
    policies: tuple[ActivePolicy, ...],
    facts: Callable[[], tuple[TicketFacts, EventFacts]],
    *,
    now: datetime,
) -> PolicySpec | None:
    """The first policy whose condition holds; `facts` is only called if one has a condition."""
    built: tuple[TicketFacts, EventFacts] | None = None
    for policy in policies:
        if policy.condition is None:
            return policy.spec
        built = built or facts()
        if evaluate(policy.condition, *built, now=now):
            return policy.spec
    return None


def _load() -> tuple[ActivePolicy, ...]:
    rows = (
        SlaPolicy.objects.filter(is_active=True)
        .select_related("calendar")
        .prefetch_related("targets", "calendar__holidays")
        .order_by("position", "pk")
    )
    calendars: dict[int, BusinessCalendar] = {}
    policies = []
    for row in rows:
        if row.calendar_id not in calendars:
            calendars[row.calendar_id] = calendar_from_row(row.calendar)
        spec = PolicySpec(
            id=row.pk,
            name=row.name,
            calendar=calendars[row.calendar_id],
            targets={
                (t.priority, t.metric): Target(t.metric, t.minutes, t.business_hours)
                for t in row.targets.all()
            },
            paused_categories=frozenset(row.paused_categories),
            warn_share=row.warn_share,
            escalations=tuple(escalation_from_json(e) for e in row.escalations),
        )
        condition = parse_condition(row.condition) if row.condition else None
        policies.append(ActivePolicy(spec, condition))
    return tuple(policies)


def calendar_from_row(row: CalendarRow) -> BusinessCalendar:
    return BusinessCalendar(
        row.time_zone,
        weekly_from_json(row.weekly),
        tuple(_holiday(h) for h in row.holidays.all()),
    )


def weekly_from_json(weekly: Mapping[str, list[list[str]]]) -> dict[int, tuple[Interval, ...]]:
    return {int(day): tuple(interval_from_json(i) for i in spans) for day, spans in weekly.items()}


def interval_from_json(span: list[str]) -> Interval:
    start, end = span
    return Interval(time.fromisoformat(start), time.fromisoformat(end))


def escalation_from_json(data: Mapping[str, object]) -> Escalation:
    metrics = data.get("metrics") or []
    team = data.get("team")
    return Escalation(
        on=str(data["on"]),
        do=str(data["do"]),
        metrics=frozenset(str(m) for m in metrics) if isinstance(metrics, list) else frozenset(),
        team=None if team is None else str(team),
    )


def _holiday(row: CalendarHoliday) -> Holiday:
    return Holiday(row.day, tuple(interval_from_json(i) for i in row.intervals), row.yearly)
