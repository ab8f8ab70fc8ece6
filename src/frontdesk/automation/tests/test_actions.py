"""Actions: parsing with exact error paths, planning as a table of named cases, and the
promises as properties (round trip, idempotent plans, identical effects once)."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.automation.actions import (
    AddFollower,
    AddNote,
    AddTags,
    ApplyMacro,
    Assign,
    AssignEffect,
    CallWebhook,
    FollowerEffect,
    MacroEffect,
    NoteEffect,
    NotifyEffect,
    Plan,
    RemoveTags,
    SendEmail,
    SetCustomField,
    SetField,
    WebhookEffect,
    apply_changes,
    diff_facts,
    parse_actions,
    plan_actions,
    serialize_actions,
)
from frontdesk.automation.conditions import TicketFacts
from frontdesk.automation.errors import RuleError
from frontdesk.automation.tests import make_ticket

# --- parsing -------------------------------------------------------------------------------


def test_parse_normalises_values() -> None:
    actions = parse_actions(
        [
            {"type": "set_field", "field": "priority", "value": 4},
            {"type": "set_field", "field": "priority", "value": "High"},
            {"type": "set_field", "field": "team", "value": None},
            {"type": "add_tags", "tags": ["Needs Reply", "vip", "VIP"]},
            {"type": "remove_tags", "tags": ["spam"]},
            {"type": "set_custom_field", "key": "plan", "value": None},
            {"type": "add_follower", "user_id": 3},
            {"type": "assign", "strategy": "load_balanced"},
            {"type": "assign", "strategy": "agent", "agent_id": 9},
            {"type": "add_note", "text": "Routed by keyword"},
            {"type": "send_email", "to": "ops@acme.test", "template": "escalation"},
            {"type": "webhook", "webhook_id": 2},
            {"type": "apply_macro", "macro_id": 5},
        ]
    )

    assert actions == (
        SetField("priority", "urgent"),
        SetField("priority", "high"),
        SetField("team", None),
        AddTags(("needsreply", "vip")),
        RemoveTags(("spam",)),
        SetCustomField("plan", None),
        AddFollower(3),
        Assign("load_balanced"),
        Assign("agent", 9),
        AddNote("Routed by keyword"),
        SendEmail("ops@acme.test", "escalation"),
        CallWebhook(2),
        ApplyMacro(5),
    )


TYPES = (
    "set_field, add_tags, remove_tags, set_custom_field, add_follower, assign, add_note, "
    "send_email, webhook, apply_macro"
)
RECIPIENTS = "expected requester, assignee, team, followers, supervisors or an email address"
BAD_PRIORITY = "expected a priority: low, normal, high, urgent or 1-4"
NOTE = {"type": "add_note", "text": "hi"}


def set_field(field: str, value: Any) -> dict[str, Any]:
    return {"type": "set_field", "field": field, "value": value}


def email(to: Any, template: Any = "ack") -> dict[str, Any]:
    return {"type": "send_email", "to": to, "template": template}


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        pytest.param({"type": "add_note"}, "", "expected a list of actions", id="not_a_list_case"),
        pytest.param([NOTE] * 51, "", "more than 50 actions in one rule", id="too_many_case"),
        pytest.param([NOTE, "add_note"], "[1]", "expected an object", id="not_an_object_case"),
        pytest.param(
            [{"type": "explode"}],
            "[0].type",
            f"unknown action 'explode'; use one of {TYPES}",
            id="unknown_type_case",
        ),
        pytest.param(
            [{"text": "hi"}],
            "[0].type",
            f"unknown action None; use one of {TYPES}",
            id="no_type_case",
        ),
        pytest.param(
            [NOTE | {"color": "red"}], "[0]", "unexpected key 'color'", id="unexpected_key_case"
        ),
        pytest.param(
            [set_field("subject", "x")],
            "[0].field",
            "unknown field 'subject'; use one of team, category, priority, type, status, assignee",
            id="unsettable_field_case",
        ),
        pytest.param(
            [{"type": "set_field", "field": "team"}],
            "[0].value",
            "expected a value (null clears the field)",
            id="missing_value_case",
        ),
        pytest.param(
            [set_field("team", "Bad slug!")],
            "[0].value",
            "expected a slug or null",
            id="bad_slug_case",
        ),
        pytest.param(
            [set_field("status", None)], "[0].value", "expected a status slug", id="no_status_case"
        ),
        pytest.param(
            [set_field("priority", "critical")], "[0].value", BAD_PRIORITY, id="bad_priority_case"
        ),
        pytest.param([set_field("priority", 0)], "[0].value", BAD_PRIORITY, id="bad_rank_case"),
        pytest.param([set_field("priority", True)], "[0].value", BAD_PRIORITY, id="bool_rank_case"),
        pytest.param(
            [set_field("type", "bug")],
            "[0].value",
            "unknown type 'bug'; use one of incident, service_request, question, problem, task",
            id="bad_type_case",
        ),
        pytest.param(
            [set_field("assignee", 0)],
            "[0].value",
            "expected an agent id or null",
            id="bad_agent_case",
        ),
        pytest.param(
            [{"type": "add_tags", "tags": []}],
            "[0].tags",
            "expected a list of 1-50 tags",
            id="no_tags_case",
        ),
        pytest.param(
            [{"type": "remove_tags", "tags": "vip"}],
            "[0].tags",
            "expected a list of 1-50 tags",
            id="tags_not_a_list_case",
        ),
        pytest.param(
            [{"type": "add_tags", "tags": ["ok", "  "]}],
            "[0].tags[1]",
            "expected a tag of 1-64 characters",
            id="blank_tag_case",
        ),
        pytest.param(
            [{"type": "add_tags", "tags": ["x" * 65]}],
            "[0].tags[0]",
            "expected a tag of 1-64 characters",
            id="long_tag_case",
        ),
        pytest.param(
            [{"type": "set_custom_field", "key": "bad key", "value": 1}],
            "[0].key",
            "expected a custom field key",
            id="bad_custom_key_case",
        ),
        pytest.param(
            [{"type": "set_custom_field", "key": "plan"}],
            "[0].value",
            "expected a value (null clears the field)",
            id="custom_missing_value_case",
        ),
        pytest.param(
            [{"type": "set_custom_field", "key": "plan", "value": ["gold"]}],
            "[0].value",
            "expected text, a number, true, false or null",
            id="custom_list_case",
        ),
        pytest.param(
            [{"type": "set_custom_field", "key": "seats", "value": float("inf")}],
            "[0].value",
            "expected a finite number",
            id="custom_infinity_case",
        ),
        pytest.param(
            [{"type": "add_follower", "user_id": "3"}],
            "[0].user_id",
            "expected an id (a positive integer)",
            id="follower_as_text_case",
        ),
        pytest.param(
            [{"type": "assign", "strategy": "random"}],
            "[0].strategy",
            "unknown strategy 'random'; use one of round_robin, load_balanced, skills, agent",
            id="unknown_strategy_case",
        ),
        pytest.param(
            [{"type": "assign", "strategy": "agent"}],
            "[0].agent_id",
            "expected an agent id",
            id="agent_without_id_case",
        ),
        pytest.param(
            [{"type": "assign", "strategy": "round_robin", "agent_id": 3}],
            "[0].agent_id",
            "only the 'agent' strategy takes an agent_id",
            id="strategy_with_agent_case",
        ),
        pytest.param(
            [{"type": "add_note", "text": "  "}],
            "[0].text",
            "expected non-empty text",
            id="blank_note_case",
        ),
        pytest.param(
            [{"type": "add_note", "text": "x" * 10_001}],
            "[0].text",
            "text longer than 10000 characters",
            id="long_note_case",
        ),
        pytest.param([email("boss")], "[0].to", RECIPIENTS, id="unknown_recipient_case"),
        pytest.param(
            [email("a@b.test, evil@x.test")], "[0].to", RECIPIENTS, id="two_addresses_case"
        ),
        pytest.param(
            [email("a@b.test\nBcc: x@y.test")], "[0].to", RECIPIENTS, id="header_injection_case"
        ),
        pytest.param([email("Bob <a@b.test>")], "[0].to", RECIPIENTS, id="display_name_case"),
        pytest.param(
            [email("requester", "")],
            "[0].template",
            "expected non-empty text",
            id="no_template_case",
        ),
        pytest.param(
            [NOTE, {"type": "webhook"}],
            "[1].webhook_id",
            "expected an id (a positive integer)",
            id="missing_webhook_case",
        ),
        pytest.param(
            [{"type": "apply_macro", "macro_id": -1}],
            "[0].macro_id",
            "expected an id (a positive integer)",
            id="negative_macro_case",
        ),
    ],
)
def test_parse_error(data: Any, path: str, message: str) -> None:
    with pytest.raises(RuleError) as raised:
        parse_actions(data)

    assert (raised.value.path, raised.value.message) == (path, message)


# --- planning ------------------------------------------------------------------------------
# The ticket (see tests/__init__.py): team billing, category invoices, priority normal,
# type question, status open, assignee 7, tags refund+vip, custom plan "Gold", seats 25.


def plan_case(
    name: str,
    actions: list[dict[str, Any]],
    changes: dict[str, Any],
    effects: tuple[Any, ...] = (),
    **ticket: Any,
) -> Any:
    return pytest.param(actions, ticket, changes, effects, id=f"{name}_case")


def tags(*names: str) -> dict[str, Any]:
    return {"type": "add_tags", "tags": list(names)}


def untag(*names: str) -> dict[str, Any]:
    return {"type": "remove_tags", "tags": list(names)}


def custom(key: str, value: Any) -> dict[str, Any]:
    return {"type": "set_custom_field", "key": key, "value": value}


def assign(strategy: str, agent_id: int | None = None) -> dict[str, Any]:
    data = {"type": "assign", "strategy": strategy}
    return data if agent_id is None else data | {"agent_id": agent_id}


@pytest.mark.parametrize(
    ("actions", "ticket", "changes", "effects"),
    [
        plan_case("nothing", [], {}),
        plan_case("set_team", [set_field("team", "it")], {"team": "it"}),
        plan_case("clear_team", [set_field("team", None)], {"team": None}),
        plan_case("set_same_team", [set_field("team", "billing")], {}),
        plan_case("priority_by_rank", [set_field("priority", 4)], {"priority": "urgent"}),
        plan_case("same_priority", [set_field("priority", "normal")], {}),
        plan_case(
            "last_value_wins",
            [set_field("priority", "high"), set_field("priority", "low")],
            {"priority": "low"},
        ),
        plan_case(
            "set_back_to_current", [set_field("type", "task"), set_field("type", "question")], {}
        ),
        plan_case("status", [set_field("status", "solved")], {"status": "solved"}),
        plan_case("category", [set_field("category", "hardware")], {"category": "hardware"}),
        plan_case("unassign", [set_field("assignee", None)], {"assignee_id": None}),
        plan_case("add_tag", [tags("urgent")], {"tags": ["refund", "urgent", "vip"]}),
        plan_case("add_existing_tag", [tags("vip")], {}),
        plan_case("remove_tag", [untag("vip")], {"tags": ["refund"]}),
        plan_case("remove_missing_tag", [untag("spam")], {}),
        plan_case("add_then_remove", [tags("spam"), untag("spam")], {}),
        plan_case("remove_all_tags", [untag("vip", "refund")], {"tags": []}),
        plan_case("custom_new", [custom("region", "eu")], {"custom_fields": {"region": "eu"}}),
        plan_case("custom_same", [custom("plan", "Gold")], {}),
        plan_case("custom_clear", [custom("plan", None)], {"custom_fields": {"plan": None}}),
        plan_case("custom_clear_missing", [custom("region", None)], {}),
        plan_case(
            "custom_one_to_true",
            [custom("flag", True)],
            {"custom_fields": {"flag": True}},
            custom_fields={"flag": 1},
        ),
        plan_case("assign_agent", [assign("agent", 9)], {"assignee_id": 9}),
        plan_case("assign_current_agent", [assign("agent", 7)], {}),
        plan_case(
            "round_robin", [assign("round_robin")], {}, (AssignEffect("round_robin", "billing"),)
        ),
        plan_case(
            "strategy_in_final_team",
            [assign("skills"), set_field("team", "it")],
            {"team": "it"},
            (AssignEffect("skills", "it"),),
        ),
        plan_case(
            "agent_cancels_strategy",
            [assign("round_robin"), assign("agent", 9)],
            {"assignee_id": 9},
        ),
        plan_case(
            "set_assignee_cancels_strategy",
            [assign("load_balanced"), set_field("assignee", None)],
            {"assignee_id": None},
        ),
        plan_case(
            "last_strategy_wins",
            [assign("round_robin"), assign("load_balanced")],
            {},
            (AssignEffect("load_balanced", "billing"),),
        ),
        plan_case(
            "strategy_after_agent",
            [assign("agent", 9), assign("round_robin")],
            {"assignee_id": 9},
            (AssignEffect("round_robin", "billing"),),
        ),
        plan_case(
            "side_effects_in_order",
            [
                email("requester", "ack"),
                NOTE,
                {"type": "add_follower", "user_id": 4},
                {"type": "webhook", "webhook_id": 2},
                {"type": "apply_macro", "macro_id": 5},
            ],
            {},
            (
                NotifyEffect("requester", "ack"),
                NoteEffect("hi"),
                FollowerEffect(4),
                WebhookEffect(2),
                MacroEffect(5),
            ),
        ),
        plan_case(
            "same_effect_once",
            [email("team", "t"), email("team", "t"), email("team", "u")],
            {},
            (NotifyEffect("team", "t"), NotifyEffect("team", "u")),
        ),
    ],
)
def test_plan(
    actions: list[dict[str, Any]],
    ticket: dict[str, Any],
    changes: dict[str, Any],
    effects: tuple[Any, ...],
) -> None:
    plan = plan_actions(parse_actions(actions), make_ticket(**ticket))

    assert plan == Plan(changes, effects)
    assert plan.is_empty is (not changes and not effects)


def test_apply_changes_takes_the_status_category_from_the_map() -> None:
    ticket = make_ticket()

    solved = apply_changes(ticket, {"status": "solved"}, status_categories={"solved": "solved"})
    unknown = apply_changes(ticket, {"status": "waiting-on-vendor"})

    assert (solved.status, solved.status_category) == ("solved", "solved")
    assert (unknown.status, unknown.status_category) == ("waiting-on-vendor", "")


def test_apply_changes_refuses_unknown_keys() -> None:
    with pytest.raises(ValueError, match=r"unknown change keys \['subject'\]"):
        apply_changes(make_ticket(), {"subject": "x"})


def test_apply_changes_merges_custom_fields() -> None:
    ticket = apply_changes(make_ticket(), {"custom_fields": {"plan": None, "region": "eu"}})

    assert ticket.custom_fields == {
        "seats": 25,
        "renewal": "2026-12-01",
        "trial": False,
        "region": "eu",
    }


# --- properties ------------------------------------------------------------------------------

TEAMS = ["billing", "it", None]
TAGS = ["vip", "refund", "spam", "Bug Report"]
CUSTOM_VALUES = [None, "gold", "Gold", 3, 1, True, 2.5]
field_values = {
    "team": st.sampled_from(TEAMS),
    "category": st.sampled_from(["invoices", "hardware", None]),
    "priority": st.sampled_from(["low", "normal", "high", "urgent", 1, 4]),
    "type": st.sampled_from(["question", "incident"]),
    "status": st.sampled_from(["open", "solved"]),
    "assignee": st.sampled_from([None, 7, 9]),
}
action_data = st.one_of(
    st.sampled_from(list(field_values)).flatmap(
        lambda name: field_values[name].map(lambda value: set_field(name, value))
    ),
    st.lists(st.sampled_from(TAGS), min_size=1, max_size=3).map(lambda names: tags(*names)),
    st.lists(st.sampled_from(TAGS), min_size=1, max_size=3).map(lambda names: untag(*names)),
    st.builds(custom, st.sampled_from(["plan", "seats"]), st.sampled_from(CUSTOM_VALUES)),
    st.builds(assign, st.sampled_from(["round_robin", "load_balanced", "skills"])),
    st.builds(assign, st.just("agent"), st.sampled_from([7, 9])),
    st.builds(email, st.sampled_from(["requester", "team", "ops@acme.test"])),
    st.builds(lambda user: {"type": "add_follower", "user_id": user}, st.integers(1, 3)),
    st.builds(lambda text: {"type": "add_note", "text": text}, st.sampled_from(["a", "b"])),
    st.builds(lambda webhook: {"type": "webhook", "webhook_id": webhook}, st.integers(1, 2)),
    st.builds(lambda macro: {"type": "apply_macro", "macro_id": macro}, st.integers(1, 2)),
)
action_lists = st.lists(action_data, max_size=8)
small_tickets = st.builds(
    make_ticket,
    team=st.sampled_from(TEAMS),
    priority=st.integers(1, 4),
    assignee_id=st.sampled_from([None, 7]),
    tags=st.frozensets(st.sampled_from(["vip", "refund", "spam", "bugreport"])),
    custom_fields=st.dictionaries(
        st.sampled_from(["plan", "seats"]), st.sampled_from(CUSTOM_VALUES)
    ),
)


@given(action_lists)
def test_serialize_round_trips(data: list[dict[str, Any]]) -> None:
    actions = parse_actions(data)

    assert parse_actions(serialize_actions(actions)) == actions


@given(action_lists, small_tickets)
def test_planning_again_after_applying_changes_nothing(
    data: list[dict[str, Any]], ticket: TicketFacts
) -> None:
    actions = parse_actions(data)
    plan = plan_actions(actions, ticket)

    applied = apply_changes(ticket, plan.changes)
    again = plan_actions(actions, applied)

    assert again.changes == {}
    assert again.effects == plan.effects
    assert apply_changes(applied, plan.changes) == applied
    assert diff_facts(ticket, applied) == plan.changes


@given(action_lists, small_tickets)
def test_effects_are_unique_and_at_most_one_assignment(
    data: list[dict[str, Any]], ticket: TicketFacts
) -> None:
    effects = plan_actions(parse_actions(data), ticket).effects

    assert len(set(effects)) == len(effects)
    assert sum(isinstance(effect, AssignEffect) for effect in effects) <= 1
