"""A ticket's metrics from its history: pure, no ORM, no clock (docs/metrics.md).

`compute_metrics(history, calendar)` is the one definition of every per-ticket number; the
rows kept after each change, `frontdesk reports rebuild` and the tests all call it. Only
final values are stored (resolution and wait times of a solved ticket), so a row never
depends on when it was computed.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from frontdesk.sla.engine import BusinessCalendar, business_time_between

SOLVED_CATEGORIES = frozenset({"solved", "closed"})
REQUESTER_WAITS_IN = frozenset({"new", "open", "on_hold"})
SLA_METRICS = ("first_response", "next_response", "periodic_update", "resolution")


@dataclass(frozen=True)
class MessageFact:
    at: datetime
    kind: str  # reply, note, system
    public: bool
    by_staff: bool
    author_id: int | None


@dataclass(frozen=True)
class TicketHistory:
    """What the metrics read. `status_changes` are (time, category) in time order, the
    first the category the ticket was created in; `assignee_changes` (time, user id or None)
    likewise start with the assignee at creation. `messages` are in (time, id) order, the
    first being the ticket's opening message when it was written at creation."""

    created_at: datetime
    status_changes: Sequence[tuple[datetime, str]]
    assignee_changes: Sequence[tuple[datetime, int | None]]
    messages: Sequence[MessageFact]
    sla_clocks: Mapping[str, bool] = field(default_factory=dict)  # metric -> still running
    sla_breached: frozenset[str] = frozenset()
    sla_targets: frozenset[str] = frozenset()  # the metrics its policy sets for its priority


@dataclass(frozen=True)
class Metrics:
    first_solved_at: datetime | None
    solved_at: datetime | None
    reopen_count: int
    first_reopened_at: datetime | None
    solver_id: int | None
    public_agent_replies: int
    customer_messages: int
    internal_notes: int
    first_response_at: datetime | None
    first_responder_id: int | None
    first_response_seconds: int | None
    first_response_business_seconds: int | None
    next_response_seconds: int | None
    next_response_business_seconds: int | None
    next_response_cycles: int
    resolution_seconds: int | None
    resolution_business_seconds: int | None
    requester_wait_seconds: int | None
    requester_wait_business_seconds: int | None
    first_contact_resolution: bool
    sla_first_response: str
    sla_next_response: str
    sla_periodic_update: str
    sla_resolution: str
    active_periods: tuple[tuple[datetime, datetime | None], ...]


def seconds(duration: timedelta) -> int:
    """Whole seconds, rounded down (a reply 59.9 s after creation took 59 s)."""
    return int(duration.total_seconds())


def compute_metrics(history: TicketHistory, calendar: BusinessCalendar) -> Metrics:
    runs = _status_runs(history)
    first_solved_at = solved_at = first_reopened_at = None
    reopen_count = 0
    periods: list[tuple[datetime, datetime | None]] = []
    open_since: datetime | None = None
    previous: str | None = None
    for start, _end, category in runs:
        solved_now = category in SOLVED_CATEGORIES
        if previous is None or (previous in SOLVED_CATEGORIES) != solved_now:
            if solved_now:
                if previous is not None:  # created solved: no solve, no active period
                    first_solved_at = first_solved_at or start
                    solved_at = start
                if open_since is not None:
                    periods.append((open_since, start))
                    open_since = None
            else:
                if previous is not None:
                    reopen_count += 1
                    first_reopened_at = first_reopened_at or start
                open_since = start
        previous = category
    if open_since is not None:
        periods.append((open_since, None))
        solved_at = None
    if previous is not None and previous not in SOLVED_CATEGORIES:
        solved_at = None

    conversation = _conversation(history, calendar)
    resolution = resolution_business = wait = wait_business = None
    solver_id = None
    if solved_at is not None:
        resolution = seconds(solved_at - history.created_at)
        resolution_business = seconds(
            business_time_between(calendar, history.created_at, solved_at)
        )
        waiting = [
            (start, min(end or solved_at, solved_at))
            for start, end, category in runs
            if category in REQUESTER_WAITS_IN and start < solved_at
        ]
        wait = sum(seconds(end - start) for start, end in waiting)
        wait_business = sum(
            seconds(business_time_between(calendar, start, end)) for start, end in waiting
        )
        solver_id = _value_at(history.assignee_changes, solved_at)
    cycles = conversation.next_response_cycles
    sla = {metric: _sla_outcome(history, metric, cycles) for metric in SLA_METRICS}
    return Metrics(
        first_solved_at=first_solved_at,
        solved_at=solved_at,
        reopen_count=reopen_count,
        first_reopened_at=first_reopened_at,
        solver_id=solver_id,
        first_contact_resolution=(
            solved_at is not None and conversation.public_agent_replies == 1 and reopen_count == 0
        ),
        resolution_seconds=resolution,
        resolution_business_seconds=resolution_business,
        requester_wait_seconds=wait,
        requester_wait_business_seconds=wait_business,
        sla_first_response=sla["first_response"],
        sla_next_response=sla["next_response"],
        sla_periodic_update=sla["periodic_update"],
        sla_resolution=sla["resolution"],
        active_periods=tuple(periods),
        public_agent_replies=conversation.public_agent_replies,
        customer_messages=conversation.customer_messages,
        internal_notes=conversation.internal_notes,
        first_response_at=conversation.first_response_at,
        first_responder_id=conversation.first_responder_id,
        first_response_seconds=conversation.first_response_seconds,
        first_response_business_seconds=conversation.first_response_business_seconds,
        next_response_seconds=conversation.next_response_seconds,
        next_response_business_seconds=conversation.next_response_business_seconds,
        next_response_cycles=conversation.next_response_cycles,
    )


@dataclass
class _Conversation:
    public_agent_replies: int = 0
    customer_messages: int = 0
    internal_notes: int = 0
    first_response_at: datetime | None = None
    first_responder_id: int | None = None
    first_response_seconds: int | None = None
    first_response_business_seconds: int | None = None
    next_response_seconds: int | None = None
    next_response_business_seconds: int | None = None
    next_response_cycles: int = 0


def _conversation(history: TicketHistory, calendar: BusinessCalendar) -> _Conversation:
    result = _Conversation()
    messages = list(history.messages)
    if messages and messages[0].at == history.created_at and messages[0].kind == "reply":
        messages = messages[1:]  # the opening message is the request, not a reply to it
    waiting_since: datetime | None = None
    cycles: list[tuple[datetime, datetime]] = []
    for message in messages:
        if message.kind == "note":
            result.internal_notes += 1
            continue
        if message.kind != "reply" or not message.public:
            continue
        if message.by_staff:
            result.public_agent_replies += 1
            if result.first_response_at is None:
                result.first_response_at = message.at
                result.first_responder_id = message.author_id
            elif waiting_since is not None:
                cycles.append((waiting_since, message.at))
            waiting_since = None
        else:
            result.customer_messages += 1
            if result.first_response_at is not None and waiting_since is None:
                waiting_since = message.at
    if result.first_response_at is not None:
        result.first_response_seconds = seconds(result.first_response_at - history.created_at)
        result.first_response_business_seconds = seconds(
            business_time_between(calendar, history.created_at, result.first_response_at)
        )
    if cycles:
        result.next_response_cycles = len(cycles)
        result.next_response_seconds = sum(seconds(end - start) for start, end in cycles) // len(
            cycles
        )
        result.next_response_business_seconds = sum(
            seconds(business_time_between(calendar, start, end)) for start, end in cycles
        ) // len(cycles)
    return result


def _status_runs(history: TicketHistory) -> list[tuple[datetime, datetime | None, str]]:
    """(start, end, category) spans; a change to the same category is no new span."""
    runs: list[tuple[datetime, datetime | None, str]] = []
    for at, category in history.status_changes:
        if runs and runs[-1][2] == category:
            continue
        if runs:
            start, _end, previous = runs[-1]
            runs[-1] = (start, at, previous)
        runs.append((at, None, category))
    return runs


def _value_at(changes: Sequence[tuple[datetime, int | None]], at: datetime) -> int | None:
    value = None
    for changed_at, new in changes:
        if changed_at > at:
            break
        value = new
    return value


def _sla_outcome(history: TicketHistory, metric: str, next_response_cycles: int) -> str:
    """breached: a breach was recorded; "" : no target (or a next response clock that never
    started); active: the clock runs; achieved: it stopped in time."""
    if metric in history.sla_breached:
        return "breached"
    if metric not in history.sla_targets:
        return ""
    if history.sla_clocks.get(metric):
        return "active"
    if metric == "next_response" and next_response_cycles == 0:
        return ""
    return "achieved"
