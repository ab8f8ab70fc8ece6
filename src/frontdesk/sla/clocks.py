"""From a ticket's history to its stored SLA state: which clocks run, when each is due, and
when the sweep must next look at it. Pure (no ORM, `now` passed in), like `engine.py`.

The four clocks of a ticket (ADR 0008):

* first_response: from creation until the first public agent reply;
* next_response: from the first customer message the agents have not answered yet (after
  the first response) until the next public agent reply; every such message starts a cycle;
* periodic_update: from the last public agent reply (or creation) while the ticket is
  unsolved, so someone says something at least every N minutes;
* resolution: from creation until solved; solved and closed time never counts, so a reopened
  ticket's clock resumes where it stopped.

Each clock pauses while the ticket is in one of the policy's paused categories.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from frontdesk.sla.engine import (
    METRICS,
    BusinessCalendar,
    ClockInput,
    Deadline,
    Target,
    compute_deadline,
    pauses_from_history,
)

DONE_CATEGORIES = frozenset({"solved", "closed"})


@dataclass(frozen=True)
class Escalation:
    """What a policy does when a clock warns or breaches: `on` is "warning" or "breach",
    `metrics` the clocks it applies to (empty: all), `do` one of ESCALATION_ACTIONS."""

    on: str
    do: str
    metrics: frozenset[str] = frozenset()
    team: str | None = None

    def applies(self, kind: str, metric: str) -> bool:
        return self.on == kind and (not self.metrics or metric in self.metrics)


ESCALATION_ACTIONS = (
    "notify_assignee",
    "notify_team",
    "notify_supervisors",
    "raise_priority",
    "move_to_team",
)


@dataclass(frozen=True)
class PolicySpec:
    """A policy as the clocks need it: targets keyed by (priority rank, metric)."""

    id: int
    name: str
    calendar: BusinessCalendar
    targets: Mapping[tuple[int, str], Target]
    paused_categories: frozenset[str]
    warn_share: float
    escalations: tuple[Escalation, ...] = ()


@dataclass(frozen=True)
class ClockFacts:
    """What the clocks read off a ticket. `status_changes` are (time, category) in time
    order, starting with the category the ticket was created in."""

    created_at: datetime
    priority: int
    status_category: str
    status_changes: tuple[tuple[datetime, str], ...]
    first_response_at: datetime | None
    awaiting_agent_since: datetime | None
    last_agent_reply_at: datetime | None


@dataclass(frozen=True)
class ClockState:
    """One clock as stored in `Ticket.sla_clocks`: its cycle start, warning and due times,
    whether it still runs, and which of its events were already recorded."""

    started_at: datetime
    due_at: datetime | None
    warn_at: datetime | None
    running: bool
    warned: bool = False
    breached: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "started_at": self.started_at.isoformat(),
            "due_at": None if self.due_at is None else self.due_at.isoformat(),
            "warn_at": None if self.warn_at is None else self.warn_at.isoformat(),
            "running": self.running,
            "warned": self.warned,
            "breached": self.breached,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> "ClockState":
        return cls(
            started_at=_moment(data["started_at"]),
            due_at=_optional_moment(data.get("due_at")),
            warn_at=_optional_moment(data.get("warn_at")),
            running=bool(data.get("running")),
            warned=bool(data.get("warned")),
            breached=bool(data.get("breached")),
        )

    def pending_events(self, now: datetime) -> list[str]:
        """The events now due and not yet recorded: "warning", "breach" or both."""
        if not self.running:
            return []
        pending = []
        if not self.warned and self.warn_at is not None and self.warn_at <= now:
            pending.append("warning")
        if not self.breached and self.due_at is not None and self.due_at < now:
            pending.append("breach")
        return pending

    def next_look(self) -> datetime | None:
        """When the sweep must next look at this clock (None: nothing left to record)."""
        if not self.running:
            return None
        if not self.warned and self.warn_at is not None:
            return self.warn_at
        if not self.breached and self.due_at is not None:
            return self.due_at
        return None


@dataclass(frozen=True)
class SlaPlan:
    """The SLA columns of a ticket, and breaches that happened between two sweeps (a clock
    achieved after its due time), for the caller to record."""

    policy_id: int | None
    clocks: Mapping[str, ClockState]
    deadlines: Mapping[str, Deadline] = field(default_factory=dict)
    late: tuple[str, ...] = ()

    def due_at(self, metric: str) -> datetime | None:
        state = self.clocks.get(metric)
        return None if state is None else state.due_at

    @property
    def next_due_at(self) -> datetime | None:
        """The earliest due time of a running clock: what "Due soon" sorts by."""
        dues = [s.due_at for s in self.clocks.values() if s.running and s.due_at is not None]
        return min(dues, default=None)

    @property
    def next_deadline_at(self) -> datetime | None:
        """The earliest warning or breach not yet recorded: what the sweep scans by."""
        looks = [look for s in self.clocks.values() if (look := s.next_look()) is not None]
        return min(looks, default=None)

    def clocks_json(self) -> dict[str, dict[str, object]]:
        return {metric: state.as_json() for metric, state in self.clocks.items()}


NO_SLA = SlaPlan(policy_id=None, clocks={})


def plan(
    policy: PolicySpec | None,
    facts: ClockFacts,
    previous: Mapping[str, ClockState],
    *,
    now: datetime,
) -> SlaPlan:
    """The ticket's clocks under `policy`, recomputed from its history (never patched), with
    the recorded-event flags carried over from `previous` for the same cycles."""
    if policy is None:
        return NO_SLA
    inputs = clock_inputs(facts, policy.paused_categories)
    clocks: dict[str, ClockState] = {}
    deadlines: dict[str, Deadline] = {}
    late: list[str] = []
    for metric in METRICS:
        target = policy.targets.get((facts.priority, metric))
        clock = inputs.get(metric)
        if target is None or clock is None:
            continue
        deadline = compute_deadline(
            target, clock, policy.calendar, now=now, warn_share=policy.warn_share
        )
        state = _state(clock, deadline, previous.get(metric))
        if deadline.achieved_at is not None and deadline.breached and not state.breached:
            late.append(metric)
            state = _replace(state, breached=True)
        clocks[metric], deadlines[metric] = state, deadline
    return SlaPlan(policy.id, clocks, deadlines, tuple(late))


def clock_inputs(facts: ClockFacts, paused: frozenset[str]) -> dict[str, ClockInput]:
    """The clocks that exist for the ticket now (a clock with no cycle is absent)."""
    pauses = pauses_from_history(facts.status_changes, paused)
    done = facts.status_category in DONE_CATEGORIES
    # Resolution time stops while solved or closed, so a reopen resumes the same clock.
    resolution_pauses = pauses_from_history(facts.status_changes, paused | DONE_CATEGORIES)
    inputs = {
        "first_response": ClockInput(facts.created_at, pauses, facts.first_response_at),
        "resolution": ClockInput(facts.created_at, resolution_pauses, _solved_at(facts)),
    }
    if facts.first_response_at is not None and facts.awaiting_agent_since is not None and not done:
        inputs["next_response"] = ClockInput(facts.awaiting_agent_since, pauses)
    if not done:
        since = facts.last_agent_reply_at or facts.created_at
        inputs["periodic_update"] = ClockInput(since, pauses)
    return inputs


def _solved_at(facts: ClockFacts) -> datetime | None:
    # When the current solved spell began: the last move into a done category.
    if facts.status_category not in DONE_CATEGORIES:
        return None
    spell = None
    for at, category in facts.status_changes:
        done = category in DONE_CATEGORIES
        spell = (spell or at) if done else None
    return spell


def _state(clock: ClockInput, deadline: Deadline, previous: ClockState | None) -> ClockState:
    same_cycle = previous is not None and previous.started_at == clock.started_at
    return ClockState(
        started_at=clock.started_at,
        due_at=deadline.due_at,
        warn_at=deadline.warn_at,
        running=deadline.achieved_at is None,
        warned=same_cycle and previous is not None and previous.warned,
        breached=same_cycle and previous is not None and previous.breached,
    )


def _replace(state: ClockState, *, breached: bool) -> ClockState:
    return ClockState(
        state.started_at, state.due_at, state.warn_at, state.running, state.warned, breached
    )


def states_from_json(data: Mapping[str, Mapping[str, object]]) -> dict[str, ClockState]:
    return {metric: ClockState.from_json(value) for metric, value in data.items()}


def _moment(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO timestamp, got {value!r}")
    return datetime.fromisoformat(value)


def _optional_moment(value: object) -> datetime | None:
    return None if value is None else _moment(value)


def recorded(
    states: Mapping[str, ClockState], events: Sequence[tuple[str, str]]
) -> dict[str, ClockState]:
    """`states` with the given (metric, kind) events marked as recorded."""
    updated = dict(states)
    for metric, kind in events:
        state = updated[metric]
        updated[metric] = ClockState(
            state.started_at,
            state.due_at,
            state.warn_at,
            state.running,
            warned=state.warned or kind in ("warning", "breach"),
            breached=state.breached or kind == "breach",
        )
    return updated
