"""Who gets the next ticket: the pure assignment engine.

The caller (an action holding the team's lock) loads plain facts about each agent of the
team: presence, whether they are inside their working hours, how many open tickets they hold,
their cap, their skills and when they last received a ticket. `choose_assignee` returns the
agent to assign, the rule that decided, and a verdict for every candidate, so the workspace
can show "why this agent" and "why not me". Nothing here reads the clock or the database.

Promises (property-tested in `tests/test_assignment.py`):
- the chosen agent is eligible, and nobody is chosen only when nobody is eligible;
- the result does not depend on the order in which the candidates are listed;
- round robin never passes over an eligible agent, so nobody loses a turn while away;
- load balancing never picks an agent with a higher load ratio than another eligible agent.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Literal, get_args

Availability = Literal["online", "away", "offline"]
Strategy = Literal["manual", "round_robin", "load_balanced", "skills"]
AVAILABILITIES: frozenset[str] = frozenset(get_args(Availability))
STRATEGIES: frozenset[str] = frozenset(get_args(Strategy))

# Load balancing weighs an uncapped agent (capacity None) as if their cap were this. Five times
# the default cap of 20: "unlimited" agents take a large share, yet a capped colleague with a
# lower load ratio still goes first, and no amount of work ever makes them ineligible.
UNLIMITED_CAPACITY = 100

# The sort key of an agent who was never assigned; only ever compared with itself (see
# `_load_key`), so it cannot clash with the caller's naive or aware datetimes.
_NEVER = datetime.min.replace(tzinfo=UTC)

# (ticket_id, agent_id, the agent's availability, when they went offline or None)
TicketAssignment = tuple[int, int, str, datetime | None]


@dataclass(frozen=True)
class Candidate:
    """What the engine knows about one agent of the team, as loaded by the caller.

    `open_tickets` counts their assigned tickets in open categories; `capacity` None means no
    cap; `on_shift` says whether now falls inside their working hours (the caller owns the
    calendars). Counts are never negative.
    """

    agent_id: int
    availability: Availability
    open_tickets: int
    capacity: int | None
    skills: frozenset[str]
    last_assigned_at: datetime | None
    on_shift: bool

    def __post_init__(self) -> None:
        if self.availability not in AVAILABILITIES:
            raise ValueError(f"agent {self.agent_id}: unknown availability {self.availability!r}")
        if self.open_tickets < 0 or (self.capacity is not None and self.capacity < 0):
            raise ValueError(f"agent {self.agent_id}: ticket counts cannot be negative")


@dataclass(frozen=True)
class Request:
    """What a ticket asks of its assignee: skills they must all have, and skills that rank
    them higher under the "skills" strategy."""

    required_skills: frozenset[str] = frozenset()
    preferred_skills: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Consideration:
    """The verdict on one candidate: eligible or not, and why, in words for the UI."""

    agent_id: int
    eligible: bool
    why: str


@dataclass(frozen=True)
class Choice:
    """The outcome: who gets the ticket (None: nobody), the rule that decided, and a verdict
    for every candidate in agent-id order."""

    agent_id: int | None
    reason: str
    considered: tuple[Consideration, ...]


def choose_assignee(
    strategy: Strategy,
    candidates: Iterable[Candidate],
    request: Request,
    *,
    rr_cursor: int | None = None,
) -> Choice:
    """The agent who should get the ticket under `strategy`.

    Eligible means online, on shift, below capacity and holding every required skill; the
    chosen agent is always eligible and None is returned only when nobody is (or the team
    assigns by hand). `rr_cursor` is the agent who last got a ticket by round robin.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown assignment strategy {strategy!r}")
    team = _in_agent_id_order(candidates)
    if strategy == "manual":
        return _manual_choice(team)
    considered = tuple(_consider(agent, request, strategy) for agent in team)
    eligible = [agent for agent, v in zip(team, considered, strict=True) if v.eligible]
    if not eligible:
        return Choice(None, _why_nobody(team, request), considered)
    chosen, reason = _pick(strategy, eligible, request, rr_cursor)
    return Choice(chosen.agent_id, reason, considered)


def next_rr_cursor(choice: Choice, previous: int | None) -> int | None:
    """The round-robin cursor to persist after `choice`: the agent who just got the ticket,
    or `previous` when nobody did, so a round with nobody available costs nobody a turn."""
    return previous if choice.agent_id is None else choice.agent_id


def reassign_candidates(
    assignments: Sequence[TicketAssignment], *, now: datetime, offline_after: timedelta
) -> list[int]:
    """Ids of the tickets whose assignee has been offline for longer than `offline_after`,
    ascending and without repeats.

    Only "offline" counts: an agent who is away (a meeting, lunch) keeps their tickets. An
    offline agent without a known `offline_since` keeps them too, since we cannot tell how
    long they have been gone and moving work on a guess is worse than waiting.
    """
    if offline_after < timedelta(0):
        raise ValueError("offline_after cannot be negative")
    return sorted(
        {
            ticket_id
            for ticket_id, _agent_id, availability, offline_since in assignments
            if availability == "offline"
            and offline_since is not None
            and now - offline_since > offline_after
        }
    )


def is_eligible(agent: Candidate, request: Request) -> bool:
    """Whether the agent may get a new ticket under any automatic strategy."""
    return not _problems(agent, request)


def has_room(agent: Candidate) -> bool:
    """Below their cap; an uncapped agent always has room."""
    return agent.capacity is None or agent.open_tickets < agent.capacity


# --- eligibility -------------------------------------------------------------------------


def _in_agent_id_order(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The candidates sorted by agent id, so no result depends on how the caller listed them."""
    team = sorted(candidates, key=lambda agent: agent.agent_id)
    ids = [agent.agent_id for agent in team]
    if len(set(ids)) != len(ids):
        raise ValueError("each agent may appear only once among the candidates")
    return team


def _problems(agent: Candidate, request: Request) -> list[str]:
    """Every reason the agent may not get a new ticket (all of them, for the UI)."""
    problems: list[str] = []
    if agent.availability != "online":
        problems.append(agent.availability)
    if not agent.on_shift:
        problems.append("off shift")
    if not has_room(agent):
        problems.append(f"at capacity ({_load_text(agent)})")
    missing = request.required_skills - agent.skills
    if missing:
        problems.append(f"lacks {_skills_text(missing)}")
    return problems


def _consider(agent: Candidate, request: Request, strategy: Strategy) -> Consideration:
    problems = _problems(agent, request)
    if problems:
        return Consideration(agent_id=agent.agent_id, eligible=False, why="; ".join(problems))
    facts = ["eligible", _load_text(agent)]
    if strategy == "skills" and request.preferred_skills:
        facts.append(f"{_preferred_text(agent, request)} preferred skills")
    return Consideration(agent_id=agent.agent_id, eligible=True, why="; ".join(facts))


def _manual_choice(team: list[Candidate]) -> Choice:
    """A manual team is never auto-assigned; every candidate is told so."""
    why = "manual team: assigned by hand"
    considered = (Consideration(agent_id=a.agent_id, eligible=False, why=why) for a in team)
    return Choice(None, "manual team", tuple(considered))


def _why_nobody(team: list[Candidate], request: Request) -> str:
    """Why nobody is eligible, naming the first rule (in the order checked) that empties
    the team: presence, then shift, then capacity, then skills."""
    if not team:
        return "no agents in the team"
    online = [agent for agent in team if agent.availability == "online"]
    if not online:
        return "nobody online"
    on_shift = [agent for agent in online if agent.on_shift]
    if not on_shift:
        return "nobody online is on shift"
    with_room = [agent for agent in on_shift if has_room(agent)]
    if not with_room:
        return "everyone online and on shift is at capacity"
    held = frozenset[str]().union(*(agent.skills for agent in with_room))
    unheld = request.required_skills - held
    if unheld:
        return f"nobody available has {_skills_text(unheld)}"
    return f"nobody available has all of {', '.join(sorted(request.required_skills))}"


# --- picking among the eligible ----------------------------------------------------------


def _pick(
    strategy: Strategy, eligible: list[Candidate], request: Request, rr_cursor: int | None
) -> tuple[Candidate, str]:
    """The winner among `eligible` (non-empty, in agent-id order) and the rule that decided."""
    if strategy == "round_robin":
        return _next_in_rotation(eligible, rr_cursor)
    if strategy == "load_balanced":
        return _least_loaded(eligible)
    return _best_skilled(eligible, request)


def _next_in_rotation(eligible: list[Candidate], cursor: int | None) -> tuple[Candidate, str]:
    """The first eligible agent after `cursor` in agent-id order, wrapping around.

    Comparing ids (not list positions) means an agent who was away keeps their place in
    the rotation, and a cursor naming someone who left the team still works.
    """
    if cursor is None:
        return eligible[0], "round robin: first in the rotation"
    for agent in eligible:
        if agent.agent_id > cursor:
            return agent, f"round robin: next after agent {cursor}"
    return eligible[0], f"round robin: wrapped around after agent {cursor}"


def _least_loaded(eligible: list[Candidate]) -> tuple[Candidate, str]:
    """The first agent in load-balanced order (see `_load_key`)."""
    ranked = sorted(eligible, key=_load_key)
    chosen = ranked[0]
    decided_by = _tie_break_text(ranked, _load_key, _LOAD_RULES)
    return chosen, f"load balanced: {decided_by} ({_load_text(chosen)})"


def _best_skilled(eligible: list[Candidate], request: Request) -> tuple[Candidate, str]:
    """Most preferred skills matched first; among equals, load-balanced order."""

    def key(agent: Candidate) -> tuple[object, ...]:
        return (-len(request.preferred_skills & agent.skills), *_load_key(agent))

    ranked = sorted(eligible, key=key)
    chosen = ranked[0]
    decided_by = _tie_break_text(ranked, key, ("most preferred skills", *_LOAD_RULES))
    facts = [_load_text(chosen)]
    if request.preferred_skills:
        facts.insert(0, f"{_preferred_text(chosen, request)} preferred skills")
    return chosen, f"skills: {decided_by} ({', '.join(facts)})"


def _load_key(agent: Candidate) -> tuple[object, ...]:
    """Load-balanced order, best first: lowest load ratio, then fewest open tickets, then
    never assigned, then longest since the last assignment, then lowest agent id. The last
    element makes the order total, hence deterministic."""
    return (
        _load_ratio(agent),
        agent.open_tickets,
        agent.last_assigned_at is not None,
        agent.last_assigned_at or _NEVER,
        agent.agent_id,
    )


# What decided, by the first position at which the winner's key beats the runner-up's.
_LOAD_RULES = (
    "lowest load",
    "same load ratio, fewest open tickets",
    "same load, never assigned before",
    "same load, longest since the last assignment",
    "tied on load and last assignment, lowest agent id",
)


def _tie_break_text(
    ranked: list[Candidate], key: Callable[[Candidate], tuple[object, ...]], rules: tuple[str, ...]
) -> str:
    """The rule that put ranked[0] ahead of ranked[1], for the "why this agent" line."""
    if len(ranked) == 1:
        return "only eligible agent"
    winner, runner_up = key(ranked[0]), key(ranked[1])
    position = next(i for i, (a, b) in enumerate(zip(winner, runner_up, strict=True)) if a != b)
    return rules[position]


def _load_ratio(agent: Candidate) -> Fraction:
    """Open tickets over capacity, exact (no float ties). Defined for agents with room."""
    capacity = UNLIMITED_CAPACITY if agent.capacity is None else agent.capacity
    return Fraction(agent.open_tickets, capacity)


# --- words --------------------------------------------------------------------------------


def _load_text(agent: Candidate) -> str:
    if agent.capacity is None:
        return f"{agent.open_tickets} open, no cap"
    return f"{agent.open_tickets}/{agent.capacity} open"


def _skills_text(skills: frozenset[str]) -> str:
    noun = "skill" if len(skills) == 1 else "skills"
    return f"{noun} {', '.join(sorted(skills))}"


def _preferred_text(agent: Candidate, request: Request) -> str:
    matched = len(request.preferred_skills & agent.skills)
    return f"{matched} of {len(request.preferred_skills)}"
