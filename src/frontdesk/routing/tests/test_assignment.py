"""The assignment engine: a table of named cases per rule, then the promises as properties.

The tables pin every rule with its exact words (the UI shows them as "why this agent"); the
properties check what must hold for any team: the chosen agent is eligible, round robin is
fair and never passes over an eligible agent, load balancing picks a least-loaded agent, and
the order in which the caller lists the candidates changes nothing.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.routing.assignment import (
    UNLIMITED_CAPACITY,
    Candidate,
    Choice,
    Consideration,
    Request,
    Strategy,
    choose_assignee,
    next_rr_cursor,
    reassign_candidates,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
AUTOMATIC: tuple[Strategy, ...] = ("round_robin", "load_balanced", "skills")


def agent(
    agent_id: int,
    *,
    availability: Any = "online",
    open_tickets: int = 0,
    capacity: int | None = 10,
    skills: Iterable[str] = (),
    minutes_since_last: int | None = None,
    on_shift: bool = True,
) -> Candidate:
    """A candidate who is eligible unless a keyword says otherwise."""
    last = None if minutes_since_last is None else NOW - timedelta(minutes=minutes_since_last)
    return Candidate(
        agent_id=agent_id,
        availability=availability,
        open_tickets=open_tickets,
        capacity=capacity,
        skills=frozenset(skills),
        last_assigned_at=last,
        on_shift=on_shift,
    )


def asks(required: Iterable[str] = (), preferred: Iterable[str] = ()) -> Request:
    return Request(required_skills=frozenset(required), preferred_skills=frozenset(preferred))


def verdict_of(choice: Choice, agent_id: int) -> Consideration:
    return next(c for c in choice.considered if c.agent_id == agent_id)


# --- eligibility (the same for every automatic strategy) ---------------------------------


@pytest.mark.parametrize("strategy", AUTOMATIC)
@pytest.mark.parametrize(
    ("candidate", "request_", "eligible", "why"),
    [
        pytest.param(agent(1), asks(), True, "eligible; 0/10 open", id="online_on_shift_case"),
        pytest.param(agent(1, availability="away"), asks(), False, "away", id="away_case"),
        pytest.param(agent(1, availability="offline"), asks(), False, "offline", id="offline_case"),
        pytest.param(agent(1, on_shift=False), asks(), False, "off shift", id="off_shift_case"),
        pytest.param(
            agent(1, open_tickets=9),
            asks(),
            True,
            "eligible; 9/10 open",
            id="one_below_capacity_case",
        ),
        pytest.param(
            agent(1, open_tickets=10),
            asks(),
            False,
            "at capacity (10/10 open)",
            id="at_capacity_case",
        ),
        pytest.param(
            agent(1, open_tickets=12),
            asks(),
            False,
            "at capacity (12/10 open)",
            id="over_capacity_after_cap_lowered_case",
        ),
        pytest.param(
            agent(1, capacity=0), asks(), False, "at capacity (0/0 open)", id="zero_capacity_case"
        ),
        pytest.param(
            agent(1, open_tickets=5000, capacity=None),
            asks(),
            True,
            "eligible; 5000 open, no cap",
            id="unlimited_capacity_never_full_case",
        ),
        pytest.param(
            agent(1, skills={"billing"}),
            asks(required={"billing", "german"}),
            False,
            "lacks skill german",
            id="missing_required_skill_case",
        ),
        pytest.param(
            agent(1, skills={"billing", "german", "vip"}),
            asks(required={"billing", "german"}),
            True,
            "eligible; 0/10 open",
            id="has_all_required_skills_case",
        ),
        pytest.param(
            agent(1, availability="away", on_shift=False, open_tickets=3, capacity=3),
            asks(required={"german", "french"}),
            False,
            "away; off shift; at capacity (3/3 open); lacks skills french, german",
            id="every_problem_listed_case",
        ),
    ],
)
def test_eligibility(
    strategy: Strategy, candidate: Candidate, request_: Request, eligible: bool, why: str
) -> None:
    choice = choose_assignee(strategy, [candidate], request_)

    assert choice.considered == (Consideration(agent_id=1, eligible=eligible, why=why),)
    assert choice.agent_id == (1 if eligible else None)


def test_skills_strategy_shows_preferred_skills_in_the_verdict() -> None:
    choice = choose_assignee("skills", [agent(1, skills={"vip"})], asks(preferred={"vip", "de"}))

    assert verdict_of(choice, 1).why == "eligible; 0/10 open; 1 of 2 preferred skills"


# --- nobody eligible: the reason names the rule that emptied the team ----------------------


@pytest.mark.parametrize("strategy", AUTOMATIC)
@pytest.mark.parametrize(
    ("team", "request_", "reason"),
    [
        pytest.param([], asks(), "no agents in the team", id="empty_team_case"),
        pytest.param(
            [agent(1, availability="away"), agent(2, availability="offline")],
            asks(),
            "nobody online",
            id="nobody_online_case",
        ),
        pytest.param(
            [agent(1, on_shift=False), agent(2, availability="away")],
            asks(),
            "nobody online is on shift",
            id="online_but_off_shift_case",
        ),
        pytest.param(
            [agent(1, open_tickets=10), agent(2, open_tickets=3, capacity=3)],
            asks(),
            "everyone online and on shift is at capacity",
            id="all_at_capacity_case",
        ),
        pytest.param(
            [agent(1, skills={"billing"}), agent(2)],
            asks(required={"german"}),
            "nobody available has skill german",
            id="nobody_has_skill_case",
        ),
        pytest.param(
            [agent(1, skills={"german"}, open_tickets=10), agent(2, skills={"billing"})],
            asks(required={"german"}),
            "nobody available has skill german",
            id="skilled_agent_at_capacity_case",
        ),
        pytest.param(
            [agent(1, skills={"billing"}), agent(2, skills={"german"})],
            asks(required={"billing", "german"}),
            "nobody available has all of billing, german",
            id="skills_split_across_agents_case",
        ),
    ],
)
def test_nobody_eligible_says_why(
    strategy: Strategy, team: list[Candidate], request_: Request, reason: str
) -> None:
    choice = choose_assignee(strategy, team, request_, rr_cursor=1)

    assert (choice.agent_id, choice.reason) == (None, reason)
    assert not any(c.eligible for c in choice.considered)


def test_manual_team_never_auto_assigns() -> None:
    choice = choose_assignee("manual", [agent(2), agent(1, availability="away")], asks())

    why = "manual team: assigned by hand"
    assert choice == Choice(
        agent_id=None,
        reason="manual team",
        considered=(
            Consideration(agent_id=1, eligible=False, why=why),
            Consideration(agent_id=2, eligible=False, why=why),
        ),
    )


# --- round robin ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("team", "cursor", "chosen", "reason"),
    [
        pytest.param(
            [agent(3), agent(1), agent(2)],
            None,
            1,
            "round robin: first in the rotation",
            id="no_cursor_starts_at_lowest_id_case",
        ),
        pytest.param(
            [agent(1), agent(2), agent(3)],
            1,
            2,
            "round robin: next after agent 1",
            id="next_after_cursor_case",
        ),
        pytest.param(
            [agent(1), agent(2), agent(3)],
            3,
            1,
            "round robin: wrapped around after agent 3",
            id="wraps_around_case",
        ),
        pytest.param(
            [agent(1), agent(2, availability="away"), agent(3, open_tickets=10), agent(4)],
            1,
            4,
            "round robin: next after agent 1",
            id="skips_ineligible_agents_case",
        ),
        pytest.param(
            [agent(1), agent(2), agent(3, on_shift=False)],
            2,
            1,
            "round robin: wrapped around after agent 2",
            id="wraps_past_ineligible_tail_case",
        ),
        pytest.param(
            [agent(3), agent(7)],
            5,
            7,
            "round robin: next after agent 5",
            id="cursor_agent_left_the_team_case",
        ),
        pytest.param(
            [agent(3), agent(7)],
            9,
            3,
            "round robin: wrapped around after agent 9",
            id="cursor_beyond_every_id_case",
        ),
        pytest.param(
            [agent(1, availability="away"), agent(2)],
            2,
            2,
            "round robin: wrapped around after agent 2",
            id="only_eligible_agent_goes_again_case",
        ),
        pytest.param(
            [agent(1, open_tickets=9), agent(2, open_tickets=0)],
            None,
            1,
            "round robin: first in the rotation",
            id="load_is_ignored_case",
        ),
    ],
)
def test_round_robin(team: list[Candidate], cursor: int | None, chosen: int, reason: str) -> None:
    choice = choose_assignee("round_robin", team, asks(), rr_cursor=cursor)

    assert (choice.agent_id, choice.reason) == (chosen, reason)


@pytest.mark.parametrize(
    ("chosen", "previous", "expected"),
    [
        pytest.param(4, None, 4, id="first_assignment_sets_cursor_case"),
        pytest.param(4, 2, 4, id="cursor_moves_to_chosen_case"),
        pytest.param(None, 2, 2, id="nobody_chosen_keeps_cursor_case"),
        pytest.param(None, None, None, id="nobody_ever_chosen_case"),
    ],
)
def test_next_rr_cursor(chosen: int | None, previous: int | None, expected: int | None) -> None:
    assert next_rr_cursor(Choice(chosen, "", ()), previous) == expected


# --- load balanced --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("team", "chosen", "reason"),
    [
        pytest.param(
            [agent(1, open_tickets=3)],
            1,
            "load balanced: only eligible agent (3/10 open)",
            id="single_eligible_case",
        ),
        pytest.param(
            [agent(1, open_tickets=3, capacity=4), agent(2, open_tickets=5, capacity=10)],
            2,
            "load balanced: lowest load (5/10 open)",
            id="ratio_beats_ticket_count_case",
        ),
        pytest.param(
            [agent(1, open_tickets=4, capacity=8), agent(2, open_tickets=2, capacity=4)],
            2,
            "load balanced: same load ratio, fewest open tickets (2/4 open)",
            id="same_ratio_fewer_tickets_case",
        ),
        pytest.param(
            [agent(1, open_tickets=2, minutes_since_last=600), agent(2, open_tickets=2)],
            2,
            "load balanced: same load, never assigned before (2/10 open)",
            id="never_assigned_goes_first_case",
        ),
        pytest.param(
            [
                agent(1, open_tickets=2, minutes_since_last=5),
                agent(2, open_tickets=2, minutes_since_last=90),
            ],
            2,
            "load balanced: same load, longest since the last assignment (2/10 open)",
            id="longest_since_last_assignment_case",
        ),
        pytest.param(
            [agent(5, minutes_since_last=30), agent(3, minutes_since_last=30)],
            3,
            "load balanced: tied on load and last assignment, lowest agent id (0/10 open)",
            id="full_tie_lowest_id_case",
        ),
        pytest.param(
            [agent(1, open_tickets=10, capacity=None), agent(2, open_tickets=1, capacity=5)],
            1,
            "load balanced: lowest load (10 open, no cap)",
            id="unlimited_agent_lightly_loaded_case",
        ),
        pytest.param(
            [agent(1, open_tickets=60, capacity=None), agent(2, open_tickets=2, capacity=5)],
            2,
            "load balanced: lowest load (2/5 open)",
            id="unlimited_agent_heavily_loaded_case",
        ),
        pytest.param(
            [agent(1, open_tickets=0, availability="away"), agent(2, open_tickets=9)],
            2,
            "load balanced: only eligible agent (9/10 open)",
            id="idle_but_away_is_skipped_case",
        ),
    ],
)
def test_load_balanced(team: list[Candidate], chosen: int, reason: str) -> None:
    choice = choose_assignee("load_balanced", team, asks())

    assert (choice.agent_id, choice.reason) == (chosen, reason)


# --- skills ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("team", "request_", "chosen", "reason"),
    [
        pytest.param(
            [agent(1, skills={"de"}, open_tickets=8), agent(2, open_tickets=0)],
            asks(preferred={"de", "vip"}),
            1,
            "skills: most preferred skills (1 of 2 preferred skills, 8/10 open)",
            id="preferred_skill_beats_load_case",
        ),
        pytest.param(
            [agent(1, skills={"de", "vip"}, open_tickets=5), agent(2, skills={"de"})],
            asks(preferred={"de", "vip"}),
            1,
            "skills: most preferred skills (2 of 2 preferred skills, 5/10 open)",
            id="more_preferred_skills_win_case",
        ),
        pytest.param(
            [agent(1, skills={"de"}, open_tickets=5), agent(2, skills={"de"}, open_tickets=1)],
            asks(preferred={"de"}),
            2,
            "skills: lowest load (1 of 1 preferred skills, 1/10 open)",
            id="same_skills_then_load_case",
        ),
        pytest.param(
            [agent(1, open_tickets=5), agent(2, open_tickets=1)],
            asks(),
            2,
            "skills: lowest load (1/10 open)",
            id="nothing_preferred_is_load_balanced_case",
        ),
        pytest.param(
            [
                agent(1, skills={"vip"}),
                agent(2, skills={"billing"}, open_tickets=4),
                agent(3, skills={"billing", "vip"}, open_tickets=9),
            ],
            asks(required={"billing"}, preferred={"vip"}),
            3,
            "skills: most preferred skills (1 of 1 preferred skills, 9/10 open)",
            id="required_filters_then_preferred_ranks_case",
        ),
        pytest.param(
            [agent(1, skills={"vip"}, availability="away"), agent(2)],
            asks(preferred={"vip"}),
            2,
            "skills: only eligible agent (0 of 1 preferred skills, 0/10 open)",
            id="skilled_but_away_is_skipped_case",
        ),
    ],
)
def test_skills(team: list[Candidate], request_: Request, chosen: int, reason: str) -> None:
    choice = choose_assignee("skills", team, request_)

    assert (choice.agent_id, choice.reason) == (chosen, reason)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(
            lambda: choose_assignee(cast(Strategy, "random"), [agent(1)], asks()),
            "unknown assignment strategy 'random'",
            id="unknown_strategy_case",
        ),
        pytest.param(
            lambda: choose_assignee("load_balanced", [agent(1), agent(1)], asks()),
            "each agent may appear only once",
            id="duplicate_agent_case",
        ),
        pytest.param(
            lambda: agent(1, availability="busy"),
            "agent 1: unknown availability 'busy'",
            id="unknown_availability_case",
        ),
        pytest.param(
            lambda: agent(1, open_tickets=-1),
            "agent 1: ticket counts cannot be negative",
            id="negative_open_tickets_case",
        ),
        pytest.param(
            lambda: agent(1, capacity=-1),
            "agent 1: ticket counts cannot be negative",
            id="negative_capacity_case",
        ),
        pytest.param(
            lambda: reassign_candidates([], now=NOW, offline_after=timedelta(minutes=-1)),
            "offline_after cannot be negative",
            id="negative_offline_after_case",
        ),
    ],
)
def test_bad_input_is_a_value_error(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


# --- reassigning when an agent has been offline for long -------------------------------------

OFFLINE_AFTER = timedelta(minutes=30)


@pytest.mark.parametrize(
    ("availability", "offline_for", "reassigned"),
    [
        pytest.param("offline", timedelta(minutes=31), True, id="offline_longer_case"),
        pytest.param("offline", timedelta(minutes=30), False, id="offline_exactly_limit_case"),
        pytest.param("offline", timedelta(minutes=5), False, id="offline_briefly_case"),
        pytest.param("offline", None, False, id="offline_since_unknown_case"),
        pytest.param("away", timedelta(hours=8), False, id="away_keeps_tickets_case"),
        pytest.param("online", timedelta(hours=8), False, id="back_online_case"),
    ],
)
def test_reassign_candidates(
    availability: str, offline_for: timedelta | None, reassigned: bool
) -> None:
    since = None if offline_for is None else NOW - offline_for
    tickets = reassign_candidates(
        [(42, 1, availability, since)], now=NOW, offline_after=OFFLINE_AFTER
    )

    assert tickets == ([42] if reassigned else [])


def test_reassign_candidates_are_sorted_and_unique() -> None:
    gone = NOW - timedelta(hours=2)
    assignments = [(9, 1, "offline", gone), (3, 2, "offline", gone), (9, 1, "offline", gone)]

    assert reassign_candidates(assignments, now=NOW, offline_after=OFFLINE_AFTER) == [3, 9]


# --- properties -------------------------------------------------------------------------------

SKILLS = ("billing", "de", "vip")
skill_sets = st.frozensets(st.sampled_from(SKILLS))
# Few distinct values, so that ties (the interesting cases) are common.
last_assigned = st.none() | st.sampled_from([0, 5, 60]).map(lambda m: NOW - timedelta(minutes=m))
candidates = st.builds(
    Candidate,
    agent_id=st.integers(1, 12),
    availability=st.sampled_from(["online", "online", "away", "offline"]),
    open_tickets=st.integers(0, 12),
    capacity=st.none() | st.integers(0, 12),
    skills=skill_sets,
    last_assigned_at=last_assigned,
    on_shift=st.booleans(),
)
teams = st.lists(candidates, max_size=8, unique_by=lambda c: c.agent_id)
requests = st.builds(Request, required_skills=skill_sets, preferred_skills=skill_sets)
cursors = st.none() | st.integers(0, 13)


def is_eligible_oracle(candidate: Candidate, ask: Request) -> bool:
    """The eligibility rule restated independently of the engine."""
    return (
        candidate.availability == "online"
        and candidate.on_shift
        and (candidate.capacity is None or candidate.open_tickets < candidate.capacity)
        and ask.required_skills <= candidate.skills
    )


def load_ratio_oracle(candidate: Candidate) -> Fraction:
    capacity = UNLIMITED_CAPACITY if candidate.capacity is None else candidate.capacity
    return Fraction(candidate.open_tickets, capacity)


@given(st.sampled_from(AUTOMATIC), teams, requests, cursors)
def test_chosen_agent_is_eligible_and_none_only_when_nobody_is(
    strategy: Strategy, team: list[Candidate], ask: Request, cursor: int | None
) -> None:
    choice = choose_assignee(strategy, team, ask, rr_cursor=cursor)

    eligible_ids = {c.agent_id for c in team if is_eligible_oracle(c, ask)}
    assert {c.agent_id for c in choice.considered if c.eligible} == eligible_ids
    assert [c.agent_id for c in choice.considered] == sorted(c.agent_id for c in team)
    if eligible_ids:
        assert choice.agent_id in eligible_ids
    else:
        assert choice.agent_id is None


@given(
    st.lists(st.integers(1, 50), min_size=1, max_size=8, unique=True),
    st.integers(0, 60),
    cursors,
)
def test_round_robin_spreads_tickets_evenly(
    agent_ids: list[int], rounds: int, cursor: int | None
) -> None:
    team = [agent(i, capacity=None) for i in agent_ids]
    received = Counter(dict.fromkeys(agent_ids, 0))
    for _ in range(rounds):
        choice = choose_assignee("round_robin", team, asks(), rr_cursor=cursor)
        assert choice.agent_id is not None
        received[choice.agent_id] += 1
        cursor = next_rr_cursor(choice, cursor)

    assert max(received.values()) - min(received.values()) <= 1


def passed_over(team_ids: list[int], cursor: int | None, chosen: int) -> set[int]:
    """The agents the rotation went past to get from `cursor` to `chosen`."""
    if cursor is None:
        return {i for i in team_ids if i < chosen}
    if chosen > cursor:
        return {i for i in team_ids if cursor < i < chosen}
    return {i for i in team_ids if i > cursor or i < chosen}


@given(
    st.lists(st.integers(1, 50), min_size=1, max_size=6, unique=True).flatmap(
        lambda ids: st.tuples(
            st.just(ids),
            # Who is online at each assignment: agents go away and come back.
            st.lists(st.frozensets(st.sampled_from(ids)), max_size=40),
        )
    ),
    cursors,
)
def test_round_robin_never_passes_over_an_eligible_agent(
    team_and_rounds: tuple[list[int], list[frozenset[int]]], cursor: int | None
) -> None:
    """Nobody eligible is skipped, not even once (so never twice in a row), and an agent who
    stays eligible for as many rounds as there are agents gets at least one ticket."""
    agent_ids, rounds = team_and_rounds
    eligible_streak: Counter[int] = Counter()
    for online in rounds:
        team = [agent(i, availability="online" if i in online else "away") for i in agent_ids]
        choice = choose_assignee("round_robin", team, asks(), rr_cursor=cursor)
        if choice.agent_id is not None:
            assert not passed_over(agent_ids, cursor, choice.agent_id) & online
        for i in agent_ids:
            eligible_streak[i] = eligible_streak[i] + 1 if i in online else 0
        if choice.agent_id is not None:
            eligible_streak[choice.agent_id] = 0
        assert all(streak < len(agent_ids) for streak in eligible_streak.values())
        cursor = next_rr_cursor(choice, cursor)


@given(teams, requests)
def test_load_balanced_picks_a_least_loaded_agent(team: list[Candidate], ask: Request) -> None:
    choice = choose_assignee("load_balanced", team, ask)

    eligible = [c for c in team if is_eligible_oracle(c, ask)]
    if eligible:
        chosen = next(c for c in team if c.agent_id == choice.agent_id)
        assert load_ratio_oracle(chosen) == min(load_ratio_oracle(c) for c in eligible)


@given(teams, requests)
def test_skills_picks_the_most_preferred_skills(team: list[Candidate], ask: Request) -> None:
    choice = choose_assignee("skills", team, ask)

    def matched(c: Candidate) -> int:
        return len(c.skills & ask.preferred_skills)

    eligible = [c for c in team if is_eligible_oracle(c, ask)]
    if eligible:
        chosen = next(c for c in team if c.agent_id == choice.agent_id)
        assert matched(chosen) == max(matched(c) for c in eligible)


@given(
    st.sampled_from(("manual", *AUTOMATIC)),
    teams.flatmap(lambda team: st.tuples(st.just(team), st.permutations(team))),
    requests,
    cursors,
)
def test_candidate_order_does_not_matter(
    strategy: Strategy,
    team_and_shuffled: tuple[list[Candidate], list[Candidate]],
    ask: Request,
    cursor: int | None,
) -> None:
    team, shuffled = team_and_shuffled

    assert choose_assignee(strategy, shuffled, ask, rr_cursor=cursor) == choose_assignee(
        strategy, team, ask, rr_cursor=cursor
    )
