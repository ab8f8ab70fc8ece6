"""Rule sets: order, facts updated between rules, restarts, stop, the firing cap, merged
plans; then the promises as properties over random rule sets."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.automation.actions import (
    AssignEffect,
    NoteEffect,
    NotifyEffect,
    apply_changes,
    diff_facts,
    parse_actions,
)
from frontdesk.automation.conditions import explain, parse_condition
from frontdesk.automation.rules import Rule, RunResult, run_rules
from frontdesk.automation.tests import NOW, make_event, make_ticket

ALWAYS: dict[str, Any] = {"all": []}


def rule(
    rule_id: int,
    condition: dict[str, Any],
    actions: list[dict[str, Any]],
    *,
    position: int | None = None,
    stop: bool = False,
) -> Rule:
    return Rule(
        id=rule_id,
        name=f"rule {rule_id}",
        position=rule_id if position is None else position,
        condition=parse_condition(condition),
        actions=parse_actions(actions),
        stop_processing=stop,
    )


def run(rules: list[Rule], *, event: dict[str, Any] | None = None, **kwargs: Any) -> RunResult:
    return run_rules(rules, make_ticket(), make_event(**(event or {})), now=NOW, **kwargs)


def fired(result: RunResult) -> list[int]:
    return [firing.rule_id for firing in result.fired]


def when(field: str, op: str, value: Any = None) -> dict[str, Any]:
    data = {"field": field, "op": op}
    return data if value is None else data | {"value": value}


def note(text: str) -> dict[str, Any]:
    return {"type": "add_note", "text": text}


def tag(name: str) -> dict[str, Any]:
    return {"type": "add_tags", "tags": [name]}


def set_field(field: str, value: Any) -> dict[str, Any]:
    return {"type": "set_field", "field": field, "value": value}


def test_rules_fire_in_position_order_then_by_id() -> None:
    rules = [
        rule(3, ALWAYS, [note("c")], position=1),
        rule(1, ALWAYS, [note("a")], position=2),
        rule(2, ALWAYS, [note("b")], position=1),
    ]

    result = run(rules)

    assert fired(result) == [2, 3, 1]
    assert result.plan.effects == (NoteEffect("b"), NoteEffect("c"), NoteEffect("a"))


def test_a_later_rule_sees_an_earlier_rules_changes() -> None:
    rules = [
        rule(1, when("subject", "contains", "refund"), [set_field("priority", "urgent")]),
        rule(2, when("priority", "equals", "urgent"), [tag("escalated")]),
    ]

    result = run(rules)

    assert fired(result) == [1, 2]
    assert result.plan.changes == {"priority": "urgent", "tags": ["escalated", "refund", "vip"]}


def test_change_conditions_see_what_earlier_rules_changed() -> None:
    became_urgent = {
        "all": [
            when("priority", "changed_to", "urgent"),
            when("previous.priority", "equals", "normal"),
            when("event.changed", "contains", "priority"),
        ]
    }
    rules = [
        rule(1, ALWAYS, [set_field("priority", "urgent")]),
        rule(2, became_urgent, [note("now urgent")]),
    ]

    assert fired(run(rules)) == [1, 2]


def test_previous_keeps_the_value_from_before_the_event() -> None:
    event = {"changed_fields": frozenset({"priority"}), "previous": {"priority": 1}}
    rules = [
        rule(1, ALWAYS, [set_field("priority", "urgent")]),
        rule(2, when("priority", "changed_from", "low"), [note("was low")]),
    ]

    assert fired(run(rules, event=event)) == [1, 2]


def test_an_earlier_rule_may_match_after_a_later_rules_change() -> None:
    rules = [
        rule(1, when("team", "equals", "it"), [note("welcome to it")]),
        rule(2, ALWAYS, [set_field("team", "it")]),
    ]

    result = run(rules)

    assert fired(result) == [2, 1]
    assert result.plan.changes == {"team": "it"}


def test_each_rule_fires_once_even_when_checking_restarts() -> None:
    rules = [
        rule(1, ALWAYS, [note("every time")]),
        rule(2, ALWAYS, [tag("a")]),
        rule(3, ALWAYS, [tag("b")]),
    ]

    assert fired(run(rules)) == [1, 2, 3]


def test_two_rules_that_undo_each_other_cannot_loop() -> None:
    rules = [
        rule(1, when("priority", "equals", "normal"), [set_field("priority", "high")]),
        rule(2, when("priority", "equals", "high"), [set_field("priority", "normal")]),
    ]

    result = run(rules)

    assert fired(result) == [1, 2]
    assert result.plan.is_empty  # back where it started
    assert not result.capped


def test_stop_processing_ends_the_run_when_the_rule_fires() -> None:
    rules = [
        rule(1, when("channel", "equals", "chat"), [note("chat")], stop=True),
        rule(2, when("channel", "equals", "email"), [note("first match")], stop=True),
        rule(3, ALWAYS, [note("never")]),
    ]

    result = run(rules)

    assert fired(result) == [2]
    assert result.stopped_by == 2


def test_the_cap_stops_a_run_and_says_so() -> None:
    rules = [rule(i, ALWAYS, [tag(f"t{i}")]) for i in range(1, 6)]

    result = run(rules, max_firings=3)

    assert fired(result) == [1, 2, 3]
    assert result.capped
    assert result.plan.changes == {"tags": ["refund", "t1", "t2", "t3", "vip"]}


def test_reaching_the_cap_with_nothing_left_to_fire_is_not_capped() -> None:
    rules = [rule(i, ALWAYS, [tag(f"t{i}")]) for i in range(1, 4)]
    rules.append(rule(4, when("channel", "equals", "chat"), [note("no")]))

    result = run(rules, max_firings=3)

    assert (fired(result), result.capped) == ([1, 2, 3], False)


@pytest.mark.parametrize(
    ("condition", "capped"),
    [
        pytest.param(ALWAYS, True, id="would_fire_case"),
        pytest.param({"any": []}, False, id="would_not_fire_case"),
    ],
)
def test_a_cap_of_zero_fires_nothing(condition: dict[str, Any], capped: bool) -> None:
    result = run([rule(1, condition, [note("x")])], max_firings=0)

    assert (fired(result), result.capped) == ([], capped)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="max_firings cannot be negative"):
        run([], max_firings=-1)
    with pytest.raises(ValueError, match="each rule may appear only once"):
        run([rule(1, ALWAYS, []), rule(1, ALWAYS, [], position=5)])


def test_no_rules_no_plan() -> None:
    result = run([])

    assert (result.fired, result.plan.is_empty, result.ticket) == ((), True, make_ticket())


def test_effects_are_merged_once_and_assignment_happens_in_the_final_team() -> None:
    ack = {"type": "send_email", "to": "requester", "template": "ack"}
    rules = [
        rule(1, ALWAYS, [ack, {"type": "assign", "strategy": "round_robin"}]),
        rule(2, ALWAYS, [ack, set_field("team", "it")]),
    ]

    result = run(rules)

    assert result.fired[0].plan.effects[-1] == AssignEffect("round_robin", "billing")
    assert result.plan.effects == (
        NotifyEffect("requester", "ack"),
        AssignEffect("round_robin", "it"),
    )


def test_each_firing_records_why_it_matched() -> None:
    condition = {"any": [when("tags", "contains", "vip"), when("channel", "equals", "chat")]}
    rules = [rule(1, condition, [note("vip")])]

    result = run(rules)

    assert result.fired[0].explanation == tuple(
        explain(parse_condition(condition), make_ticket(), make_event(), now=NOW)
    )
    assert result.fired[0].explanation == (
        'any[0] tags contains "vip": yes (tags is ["refund", "vip"])',
        'any[1] channel equals "chat": no (channel is "email")',
    )


@pytest.mark.parametrize(
    ("status_categories", "expected"),
    [
        pytest.param({"solved": "solved"}, [1, 2], id="mapped_case"),
        pytest.param(None, [1], id="unknown_category_case"),
    ],
)
def test_a_new_status_brings_its_category(
    status_categories: dict[str, str] | None, expected: list[int]
) -> None:
    rules = [
        rule(1, ALWAYS, [set_field("status", "solved")]),
        rule(2, when("status_category", "equals", "solved"), [note("csat")]),
    ]

    assert fired(run(rules, status_categories=status_categories)) == expected


# --- properties ------------------------------------------------------------------------------

CONDITIONS = [
    ALWAYS,
    {"any": []},
    when("priority", "gte", "high"),
    when("priority", "equals", "normal"),
    when("tags", "contains", "a"),
    {"not": when("tags", "contains", "b")},
    when("team", "equals", "it"),
    when("priority", "changed"),
    when("tags", "changed_to", "a"),
]
ACTIONS = [
    set_field("priority", "high"),
    set_field("priority", "normal"),
    set_field("team", "it"),
    set_field("team", "billing"),
    tag("a"),
    tag("b"),
    {"type": "remove_tags", "tags": ["a", "b"]},
    note("n"),
    {"type": "assign", "strategy": "round_robin"},
]
rule_sets = st.lists(
    st.tuples(
        st.sampled_from(CONDITIONS),
        st.lists(st.sampled_from(ACTIONS), max_size=3),
        st.integers(0, 3),
        st.booleans(),
    ),
    max_size=8,
).map(
    lambda specs: [
        rule(i, condition, actions, position=position, stop=stop)
        for i, (condition, actions, position, stop) in enumerate(specs, start=1)
    ]
)


@given(rule_sets, st.integers(0, 10))
def test_runs_end_and_keep_their_promises(rules: list[Rule], max_firings: int) -> None:
    result = run(rules, max_firings=max_firings)
    ids = fired(result)

    assert len(ids) == len(set(ids)) <= max_firings
    assert not result.capped or len(ids) == max_firings
    assert result.stopped_by is None or result.stopped_by == ids[-1]
    assert result.plan.changes == diff_facts(make_ticket(), result.ticket)
    assert apply_changes(make_ticket(), result.plan.changes).tags == result.ticket.tags
    assert sum(isinstance(effect, AssignEffect) for effect in result.plan.effects) <= 1
