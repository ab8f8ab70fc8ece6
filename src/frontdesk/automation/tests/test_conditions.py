"""The condition language: a table of named cases per operator and field family, the parse
errors with their exact paths and messages, the regular-expression guard, and the promises
as properties (round trip, never raising, `not`, empty groups, negative twins)."""

import re
import subprocess
import sys
import time
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.automation.conditions import (
    ACTOR_ROLES,
    ALL_OPERATORS,
    CHANNELS,
    EVENT_KINDS,
    HISTORY_KINDS,
    MATCH_WINDOW,
    NEGATIONS,
    PRIORITY_RANKS,
    STATUS_CATEGORIES,
    TICKET_TYPES,
    VALUELESS_OPERATORS,
    EventFacts,
    Kind,
    TicketFacts,
    evaluate,
    explain,
    operators_for,
    parse_condition,
    resolve_field,
    serialize_condition,
)
from frontdesk.automation.errors import RuleError
from frontdesk.automation.tests import NOW, make_event, make_ticket


def holds(
    condition: dict[str, Any],
    *,
    ticket: dict[str, Any] | None = None,
    event: dict[str, Any] | None = None,
    now: datetime = NOW,
) -> bool:
    parsed = parse_condition(condition)
    return evaluate(parsed, make_ticket(**(ticket or {})), make_event(**(event or {})), now=now)


def leaf(field: str, op: str, value: Any = None) -> dict[str, Any]:
    data = {"field": field, "op": op}
    return data if value is None else data | {"value": value}


def case(
    name: str,
    condition: dict[str, Any],
    expected: bool,
    *,
    ticket: dict[str, Any] | None = None,
    event: dict[str, Any] | None = None,
    now: datetime = NOW,
) -> Any:
    return pytest.param(condition, ticket, event, now, expected, id=f"{name}_case")


def at(clock: str, *, day: int = 23) -> datetime:
    """NOW's date (a Monday, the 23rd) at a wall-clock time in the desk's zone."""
    hour, minute = map(int, clock.split(":"))
    return datetime(2026, 11, day, hour, minute, tzinfo=timezone(timedelta(hours=1)))


STATUS_CHANGE = {"kind": "status_changed", "changed_fields": frozenset({"status"})}
FROM_PENDING = STATUS_CHANGE | {"previous": {"status": "pending"}}
NAIVE = datetime(2026, 1, 1)  # noqa: DTZ001 - what callers must not pass


def changed(field: str, old: Any) -> dict[str, Any]:
    """An update that changed one field from `old`."""
    return {"changed_fields": frozenset({field}), "previous": {field: old}}


def customs(**values: Any) -> dict[str, Any]:
    return {"custom_fields": values}


def replied(kind: str, hours: float) -> dict[str, Any]:
    return {"since": {kind: NOW - timedelta(hours=hours)}}


NIGHT = {
    "any": [leaf("time_of_day", "gte", "22:00"), leaf("time_of_day", "lt", "06:00")],
}
OFFICE_HOURS = {
    "all": [leaf("time_of_day", "gte", "09:00"), leaf("time_of_day", "lt", "17:30")],
}

CASES = [
    # --- text: case-insensitive, None and "" are "not set" ---------------------------------
    case("text_equals_ignores_case", leaf("organization", "equals", "ACME"), True),
    case("text_equals_other", leaf("organization", "equals", "Globex"), False),
    case("text_not_equals", leaf("organization", "not_equals", "Globex"), True),
    case("text_in", leaf("requester_domain", "in", ["globex.test", "ACME.test"]), True),
    case("text_not_in", leaf("requester_domain", "not_in", ["acme.test"]), False),
    case("contains_ignores_case", leaf("subject", "contains", "REFUND"), True),
    case("contains_substring_of_word", leaf("subject", "contains", "fun"), True),
    case("contains_missing_word", leaf("subject", "contains", "invoice"), False),
    case("not_contains", leaf("body", "not_contains", "invoice"), True),
    case("starts_with", leaf("subject", "starts_with", "refund for"), True),
    case("starts_with_not_at_start", leaf("subject", "starts_with", "order"), False),
    case("ends_with", leaf("requester_email", "ends_with", "@ACME.TEST"), True),
    case("matches_regex", leaf("subject", "matches", r"order \d{4}\b"), True),
    case("matches_ignores_case", leaf("subject", "matches", r"^REFUND"), True),
    case("matches_case_sensitive_group", leaf("subject", "matches", r"(?-i:REFUND)"), False),
    case("matches_anchored_miss", leaf("subject", "matches", r"^order"), False),
    case("includes_any_keyword", leaf("body", "includes_any", ["chargeback", "twice"]), True),
    case("includes_any_none", leaf("body", "includes_any", ["chargeback", "fraud"]), False),
    case("includes_all_keywords", leaf("body", "includes_all", ["charged", "refund"]), True),
    case("includes_all_one_missing", leaf("body", "includes_all", ["charged", "fraud"]), False),
    case("text_is_set", leaf("mailbox", "is_set"), True),
    case("none_is_not_set", leaf("mailbox", "is_not_set"), True, ticket={"mailbox": None}),
    case("empty_text_is_not_set", leaf("body", "is_set"), False, ticket={"body": ""}),
    case(
        "none_equals_nothing",
        leaf("organization", "equals", "acme"),
        False,
        ticket={"organization": None},
    ),
    case(
        "none_not_equals_anything",
        leaf("organization", "not_equals", "acme"),
        True,
        ticket={"organization": None},
    ),
    case(
        "none_contains_nothing",
        leaf("organization", "contains", "a"),
        False,
        ticket={"organization": None},
    ),
    case(
        "none_not_contains",
        leaf("organization", "not_contains", "a"),
        True,
        ticket={"organization": None},
    ),
    case(
        "none_matches_nothing",
        leaf("organization_tier", "matches", ".*"),
        False,
        ticket={"organization_tier": None},
    ),
    case("none_not_in", leaf("team", "not_in", ["billing"]), True, ticket={"team": None}),
    case(
        "empty_body_contains_nothing",
        leaf("body", "contains", "refund"),
        False,
        ticket={"body": ""},
    ),
    case("vocabulary_channel", leaf("channel", "in", ["email", "portal"]), True),
    case("vocabulary_type", leaf("type", "equals", "incident"), False),
    case("status_category", leaf("status_category", "equals", "open"), True),
    # --- priority: by name or rank, ordered --------------------------------------------------
    case("priority_equals_name", leaf("priority", "equals", "normal"), True),
    case("priority_equals_rank", leaf("priority", "equals", 2), True),
    case("priority_name_any_case", leaf("priority", "equals", "NORMAL"), True),
    case("priority_gte_high_false", leaf("priority", "gte", "high"), False),
    case("priority_gte_high_urgent", leaf("priority", "gte", "high"), True, ticket={"priority": 4}),
    case("priority_gt_low", leaf("priority", "gt", "low"), True),
    case("priority_lt_rank", leaf("priority", "lt", 2), False),
    case("priority_lte", leaf("priority", "lte", "normal"), True),
    case("priority_in", leaf("priority", "in", ["high", 4]), False),
    case("priority_not_in", leaf("priority", "not_in", ["high", "urgent"]), True),
    # --- ids -----------------------------------------------------------------------------------
    case("assignee_equals", leaf("assignee_id", "equals", 7), True),
    case("assignee_in", leaf("assignee_id", "in", [1, 2]), False),
    case(
        "unassigned_is_not_set",
        leaf("assignee_id", "is_not_set"),
        True,
        ticket={"assignee_id": None},
    ),
    case(
        "unassigned_not_equals",
        leaf("assignee_id", "not_equals", 7),
        True,
        ticket={"assignee_id": None},
    ),
    # --- tags: membership, case-insensitive ----------------------------------------------------
    case("tag_contains", leaf("tags", "contains", "VIP"), True),
    case("tag_contains_no_substring", leaf("tags", "contains", "vi"), False),
    case("tag_not_contains", leaf("tags", "not_contains", "spam"), True),
    case("tags_includes_all", leaf("tags", "includes_all", ["vip", "refund"]), True),
    case("tags_includes_all_missing", leaf("tags", "includes_all", ["vip", "spam"]), False),
    case("tags_includes_any", leaf("tags", "includes_any", ["spam", "refund"]), True),
    case("tags_includes_any_none", leaf("tags", "includes_any", ["spam", "bug"]), False),
    case("no_tags_is_not_set", leaf("tags", "is_not_set"), True, ticket={"tags": frozenset()}),
    case("tags_is_set", leaf("tags", "is_set"), True),
    # --- custom fields: missing, None, types -------------------------------------------------
    case("custom_text_ignores_case", leaf("custom.plan", "equals", "gold"), True),
    case("custom_number_equals", leaf("custom.seats", "equals", 25), True),
    case("custom_number_equals_float", leaf("custom.seats", "equals", 25.0), True),
    case("custom_number_not_text", leaf("custom.seats", "equals", "25"), False),
    case("custom_number_gt", leaf("custom.seats", "gt", 10), True),
    case("custom_number_lte", leaf("custom.seats", "lte", 10), False),
    case("custom_bool_equals", leaf("custom.trial", "equals", False), True),
    case("custom_bool_is_not_zero", leaf("custom.trial", "equals", 0), False),
    case("custom_false_is_set", leaf("custom.trial", "is_set"), True),
    case("custom_date_text_gt", leaf("custom.renewal", "gt", "2026-11-30"), True),
    case("custom_text_vs_number_order", leaf("custom.plan", "gt", 3), False),
    case("custom_contains", leaf("custom.plan", "contains", "OL"), True),
    case("custom_matches", leaf("custom.plan", "matches", "^g"), True),
    case("custom_number_contains", leaf("custom.seats", "contains", "2"), False),
    case(
        "custom_list_contains",
        leaf("custom.modules", "contains", "CRM"),
        True,
        ticket=customs(modules=["crm", "sla"]),
    ),
    case("custom_missing_equals", leaf("custom.region", "equals", "eu"), False),
    case("custom_missing_not_equals", leaf("custom.region", "not_equals", "eu"), True),
    case("custom_missing_is_not_set", leaf("custom.region", "is_not_set"), True),
    case("custom_missing_gt", leaf("custom.region", "gt", 1), False),
    case("custom_missing_lt", leaf("custom.region", "lt", 1), False),
    case("custom_missing_contains", leaf("custom.region", "contains", "e"), False),
    case(
        "custom_none_is_not_set",
        leaf("custom.region", "is_set"),
        False,
        ticket=customs(region=None),
    ),
    case(
        "custom_empty_text_is_not_set",
        leaf("custom.region", "is_set"),
        False,
        ticket=customs(region=""),
    ),
    case(
        "custom_empty_dict",
        leaf("custom.plan", "in", ["gold"]),
        False,
        ticket={"custom_fields": {}},
    ),
    case(
        "custom_nan_compares_false",
        leaf("custom.seats", "gte", 0),
        False,
        ticket=customs(seats=float("nan")),
    ),
    case(
        "custom_odd_json_list",
        leaf("custom.modules", "contains", "crm"),
        True,
        ticket=customs(modules=["crm", {"nested": 1}, ["x"]]),
    ),
    # --- the event ---------------------------------------------------------------------------
    case("event_kind", leaf("event.kind", "equals", "updated"), True),
    case("event_kind_in", leaf("event.kind", "in", ["customer_replied", "created"]), False),
    case(
        "event_actor_role",
        leaf("event.actor_role", "equals", "customer"),
        True,
        event={"actor_role": "customer"},
    ),
    case("event_actor_role_not", leaf("event.actor_role", "not_in", ["agent", "admin"]), False),
    case(
        "event_changed_contains",
        leaf("event.changed", "contains", "status"),
        True,
        event=STATUS_CHANGE,
    ),
    case(
        "event_changed_custom",
        leaf("event.changed", "includes_any", ["priority", "custom.plan"]),
        True,
        event=changed("custom.plan", "Silver"),
    ),
    case("event_changed_nothing", leaf("event.changed", "is_not_set"), True),
    # --- changes: changed, changed_to, changed_from, previous.* ---------------------------------
    case("status_changed", leaf("status", "changed"), True, event=STATUS_CHANGE),
    case("status_not_changed", leaf("status", "changed"), False),
    case("status_changed_to", leaf("status", "changed_to", "open"), True, event=STATUS_CHANGE),
    case(
        "status_changed_to_other",
        leaf("status", "changed_to", "solved"),
        False,
        event=STATUS_CHANGE,
    ),
    case(
        "status_changed_from", leaf("status", "changed_from", "pending"), True, event=FROM_PENDING
    ),
    case(
        "status_changed_from_other",
        leaf("status", "changed_from", "new"),
        False,
        event=FROM_PENDING,
    ),
    case("changed_to_without_change", leaf("status", "changed_to", "open"), False),
    case(
        "changed_from_missing_previous",
        leaf("status", "changed_from", "pending"),
        False,
        event=STATUS_CHANGE,
    ),
    case("previous_status", leaf("previous.status", "equals", "pending"), True, event=FROM_PENDING),
    case("previous_unchanged_is_current", leaf("previous.status", "equals", "open"), True),
    case(
        "previous_priority_by_name",
        leaf("previous.priority", "lt", "normal"),
        True,
        event=changed("priority", "low"),
    ),
    case(
        "previous_priority_by_rank",
        leaf("previous.priority", "equals", "urgent"),
        True,
        event=changed("priority", 4),
    ),
    case(
        "priority_changed_to_rank",
        leaf("priority", "changed_to", 2),
        True,
        event=changed("priority", 1),
    ),
    case(
        "previous_custom",
        leaf("previous.custom.plan", "equals", "silver"),
        True,
        event=changed("custom.plan", "Silver"),
    ),
    case(
        "previous_custom_was_unset",
        leaf("previous.custom.plan", "is_not_set"),
        True,
        event=changed("custom.plan", None),
    ),
    case(
        "custom_changed",
        leaf("custom.plan", "changed"),
        True,
        event=changed("custom.plan", "Silver"),
    ),
    case(
        "assignee_changed_from_nobody",
        leaf("previous.assignee_id", "is_not_set"),
        True,
        event=changed("assignee_id", None) | {"kind": "assigned"},
    ),
    case(
        "tag_added",
        leaf("tags", "changed_to", "vip"),
        True,
        event=changed("tags", frozenset({"refund"})),
    ),
    case(
        "tag_already_there",
        leaf("tags", "changed_to", "refund"),
        False,
        event=changed("tags", frozenset({"refund"})),
    ),
    case(
        "tag_removed",
        leaf("tags", "changed_from", "spam"),
        True,
        event=changed("tags", ["spam", "vip", "refund"]),
    ),
    # --- hours since -------------------------------------------------------------------------
    case(
        "hours_since_reply",
        leaf("hours_since.customer_replied", "gt", 24),
        True,
        event=replied("customer_replied", 25),
    ),
    case(
        "hours_since_reply_recent",
        leaf("hours_since.customer_replied", "gt", 24),
        False,
        event=replied("customer_replied", 3),
    ),
    case(
        "hours_since_fraction",
        leaf("hours_since.agent_replied", "lte", 0.5),
        True,
        event=replied("agent_replied", 0.5),
    ),
    case("hours_since_never", leaf("hours_since.customer_replied", "gt", 0), False),
    case("hours_since_never_lt", leaf("hours_since.sla_breach", "lt", 1000), False),
    case("hours_since_never_not_set", leaf("hours_since.sla_warning", "is_not_set"), True),
    case("hours_since_created_fallback", leaf("hours_since.created", "gte", 30), True),
    case("hours_since_updated_fallback", leaf("hours_since.updated", "lt", 2.5), True),
    case(
        "hours_since_counts_to_now",
        leaf("hours_since.created", "gte", 31),
        True,
        now=NOW + timedelta(hours=1),
    ),
    # --- time of day and weekday in the desk's zone -------------------------------------------
    case("night_before_midnight", NIGHT, True, now=at("23:30")),
    case("night_after_midnight", NIGHT, True, now=at("03:00")),
    case("night_starts_at_22", NIGHT, True, now=at("22:00")),
    case("night_ends_before_06", NIGHT, False, now=at("06:00")),
    case("night_at_noon", NIGHT, False, now=at("12:00")),
    case("office_hours", OFFICE_HOURS, True, now=at("09:00")),
    case("office_hours_closed", OFFICE_HOURS, False, now=at("17:30")),
    case("time_equals", leaf("time_of_day", "equals", "14:30"), True),
    case(
        "time_uses_desk_wall_clock",
        leaf("time_of_day", "equals", "15:30"),
        True,
        now=NOW.astimezone(timezone(timedelta(hours=1))),
    ),
    case("weekday_monday", leaf("weekday", "equals", 0), True),
    case("weekday_weekend", leaf("weekday", "gte", 5), True, now=at("10:00", day=29)),
    case("weekday_in", leaf("weekday", "in", [5, 6]), False),
    # --- timestamps ----------------------------------------------------------------------------
    case("created_after", leaf("created_at", "gt", "2026-11-22T00:00:00+00:00"), True),
    case("created_before_with_offset", leaf("created_at", "lt", "2026-11-22T09:31:00+01:00"), True),
    # --- groups --------------------------------------------------------------------------------
    case("all_empty", {"all": []}, True),
    case("any_empty", {"any": []}, False),
    case(
        "all_both", {"all": [leaf("tags", "contains", "vip"), leaf("priority", "lt", "high")]}, True
    ),
    case(
        "all_one_fails",
        {"all": [leaf("tags", "contains", "vip"), leaf("priority", "gt", "high")]},
        False,
    ),
    case(
        "any_one_holds",
        {"any": [leaf("tags", "contains", "spam"), leaf("priority", "lt", "high")]},
        True,
    ),
    case("not_inverts", {"not": leaf("tags", "contains", "vip")}, False),
    case("not_not", {"not": {"not": leaf("tags", "contains", "vip")}}, True),
    case(
        "nested",
        {
            "all": [
                {
                    "any": [
                        leaf("channel", "equals", "chat"),
                        {"not": leaf("organization_tier", "in", ["free"])},
                    ]
                }
            ]
        },
        True,
    ),
]


@pytest.mark.parametrize(("condition", "ticket", "event", "now", "expected"), CASES)
def test_condition(
    condition: dict[str, Any],
    ticket: dict[str, Any] | None,
    event: dict[str, Any] | None,
    now: datetime,
    expected: bool,
) -> None:
    assert holds(condition, ticket=ticket, event=event, now=now) is expected


def test_every_operator_and_field_family_has_a_case() -> None:
    written = [str(param.values[0]) for param in CASES]
    covered_ops = {op for text in written for op in re.findall(r"'op': '(\w+)'", text)}
    covered_fields = {name for text in written for name in re.findall(r"'field': '([\w.]+)'", text)}
    covered_kinds = {spec.kind for name in covered_fields if (spec := resolve_field(name))}

    assert covered_ops == ALL_OPERATORS
    assert covered_kinds == set(Kind)


# --- explanations --------------------------------------------------------------------------


def test_explain_names_each_leaf_with_its_verdict_and_fact() -> None:
    condition = parse_condition(
        {
            "all": [
                leaf("subject", "contains", "refund"),
                leaf("priority", "gte", "high"),
                {"not": leaf("custom.region", "equals", "eu")},
                leaf("status", "changed_from", "pending"),
                NIGHT,
                leaf("hours_since.customer_replied", "gt", 24),
                leaf("tags", "is_set"),
            ]
        }
    )
    event = make_event(**STATUS_CHANGE, previous={"status": "pending"})

    lines = explain(condition, make_ticket(), event, now=at("23:45"))

    assert lines == [
        'all[0] subject contains "refund": yes (subject is "Refund for order 1042")',
        'all[1] priority gte "high": no (priority is normal)',
        'all[2].not custom.region equals "eu": no (custom.region is not set)',
        'all[3] status changed_from "pending": yes (status changed from "pending" to "open")',
        'all[4].any[0] time_of_day gte "22:00": yes (time_of_day is 23:45)',
        'all[4].any[1] time_of_day lt "06:00": no (time_of_day is 23:45)',
        "all[5] hours_since.customer_replied gt 24: no (hours_since.customer_replied is not set)",
        'all[6] tags is_set: yes (tags is ["refund", "vip"])',
    ]


def test_explain_shortens_long_text_and_names_weekdays() -> None:
    condition = parse_condition(
        {"any": [leaf("body", "contains", "zebra"), leaf("weekday", "equals", 6)]}
    )

    lines = explain(condition, make_ticket(body="x" * 500), make_event(), now=NOW)

    assert lines == [
        f'any[0] body contains "zebra": no (body is "{"x" * 79}…")',
        "any[1] weekday equals 6: no (weekday is 0 (Monday))",
    ]


def test_explain_of_a_single_leaf_has_no_path() -> None:
    lines = explain(
        parse_condition(leaf("status", "changed")), make_ticket(), make_event(), now=NOW
    )

    assert lines == ["status changed: no (status did not change)"]


# --- parse errors ----------------------------------------------------------------------------

OK = leaf("subject", "contains", "refund")


def nested(depth: int) -> dict[str, Any]:
    condition = OK
    for _ in range(depth):
        condition = {"not": condition}
    return condition


SUBJECT_OPS = (
    "equals, not_equals, in, not_in, contains, not_contains, starts_with, ends_with, matches, "
    "includes_any, includes_all, is_set, is_not_set, changed, changed_to, changed_from"
)
CHANNEL_LIST = "email, portal, api, web, phone, chat, slack, alert, system"


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        pytest.param("subject", "", "expected an object", id="not_an_object_case"),
        pytest.param(
            {}, "", "expected 'all', 'any', 'not' or a 'field' with an 'op'", id="empty_object_case"
        ),
        pytest.param(
            {"all": "x"}, "all", "expected a list of conditions", id="all_not_a_list_case"
        ),
        pytest.param({"all": [], "any": []}, "", "unexpected key 'any'", id="two_groups_case"),
        pytest.param({"all": [OK, [OK]]}, "all[1]", "expected an object", id="list_in_list_case"),
        pytest.param(OK | {"extra": 1}, "", "unexpected key 'extra'", id="unknown_leaf_key_case"),
        pytest.param(
            {"field": 3, "op": "equals"}, "field", "expected a field name", id="field_not_text_case"
        ),
        pytest.param(
            leaf("nope", "equals", "x"), "field", "unknown field 'nope'", id="unknown_field_case"
        ),
        pytest.param(
            leaf("custom_fields", "is_set"),
            "field",
            "unknown field 'custom_fields'",
            id="custom_fields_itself_case",
        ),
        pytest.param(
            leaf("custom.bad key", "is_set"),
            "field",
            "unknown field 'custom.bad key'",
            id="bad_custom_key_case",
        ),
        pytest.param(
            leaf("custom.", "is_set"),
            "field",
            "unknown field 'custom.'",
            id="empty_custom_key_case",
        ),
        pytest.param(
            leaf("previous.created_at", "is_set"),
            "field",
            "unknown field 'previous.created_at'",
            id="previous_of_timestamp_case",
        ),
        pytest.param(
            leaf("previous.event.kind", "is_set"),
            "field",
            "unknown field 'previous.event.kind'",
            id="previous_of_event_case",
        ),
        pytest.param(
            leaf("hours_since.time", "gt", 1),
            "field",
            "unknown field 'hours_since.time'",
            id="hours_since_clock_case",
        ),
        pytest.param(
            leaf("event.other", "is_set"),
            "field",
            "unknown field 'event.other'",
            id="unknown_event_field_case",
        ),
        pytest.param({"field": "subject"}, "op", "unknown operator None", id="missing_op_case"),
        pytest.param(
            leaf("subject", "explodes", "x"),
            "op",
            "unknown operator 'explodes'",
            id="unknown_op_case",
        ),
        pytest.param(
            leaf("subject", "gt", "x"),
            "op",
            f"'gt' does not apply to subject (text); use {SUBJECT_OPS}",
            id="op_not_for_kind_case",
        ),
        pytest.param(
            leaf("event.kind", "changed"),
            "op",
            "'changed' does not apply to event.kind (text); use "
            + SUBJECT_OPS.removesuffix(", changed, changed_to, changed_from"),
            id="changed_on_event_case",
        ),
        pytest.param(
            leaf("created_at", "changed"),
            "op",
            "'changed' does not apply to created_at (date-time); "
            "use gt, gte, lt, lte, is_set, is_not_set",
            id="changed_on_timestamp_case",
        ),
        pytest.param(
            {"all": [OK, OK, leaf("hours_since.customer_replied", "gt", "x")]},
            "all[2].value",
            "expected a number",
            id="brief_example_case",
        ),
        pytest.param(
            {"all": [OK, {"any": [OK, leaf("priority", "gte", "critical")]}]},
            "all[1].any[1].value",
            "expected a priority: low, normal, high, urgent or 1-4",
            id="unknown_priority_case",
        ),
        pytest.param(
            leaf("priority", "equals", 5),
            "value",
            "expected a priority: low, normal, high, urgent or 1-4",
            id="priority_rank_out_of_range_case",
        ),
        pytest.param(
            leaf("priority", "equals", True),
            "value",
            "expected a priority: low, normal, high, urgent or 1-4",
            id="priority_bool_case",
        ),
        pytest.param(
            leaf("subject", "is_set") | {"value": "x"},
            "value",
            "is_set takes no value",
            id="value_on_is_set_case",
        ),
        pytest.param(
            leaf("status", "changed") | {"value": "open"},
            "value",
            "changed takes no value",
            id="value_on_changed_case",
        ),
        pytest.param(
            leaf("subject", "contains"), "value", "expected non-empty text", id="missing_value_case"
        ),
        pytest.param(
            leaf("subject", "contains", ""),
            "value",
            "expected non-empty text",
            id="empty_text_case",
        ),
        pytest.param(
            leaf("subject", "contains", 3),
            "value",
            "expected non-empty text",
            id="number_for_text_case",
        ),
        pytest.param(
            leaf("subject", "equals", "x" * 1001),
            "value",
            "text longer than 1000 characters",
            id="text_too_long_case",
        ),
        pytest.param(
            leaf("channel", "equals", "emial"),
            "value",
            f"unknown channel 'emial'; use one of {CHANNEL_LIST}",
            id="unknown_channel_case",
        ),
        pytest.param(
            leaf("channel", "in", ["email", "fax"]),
            "value[1]",
            f"unknown channel 'fax'; use one of {CHANNEL_LIST}",
            id="unknown_channel_in_list_case",
        ),
        pytest.param(
            leaf("event.kind", "equals", "deleted"),
            "value",
            f"unknown event.kind 'deleted'; use one of {', '.join(EVENT_KINDS)}",
            id="unknown_event_kind_case",
        ),
        pytest.param(
            leaf("event.changed", "contains", "stauts"),
            "value",
            "unknown field 'stauts'",
            id="unknown_changed_field_case",
        ),
        pytest.param(
            leaf("event.changed", "includes_any", ["status", "prio"]),
            "value[1]",
            "unknown field 'prio'",
            id="unknown_changed_field_in_list_case",
        ),
        pytest.param(
            leaf("channel", "in", []),
            "value",
            "expected a list of 1-100 values",
            id="empty_list_case",
        ),
        pytest.param(
            leaf("channel", "in", "email"),
            "value",
            "expected a list of 1-100 values",
            id="text_for_list_case",
        ),
        pytest.param(
            leaf("tags", "includes_any", ["vip", ""]),
            "value[1]",
            "expected non-empty text",
            id="empty_keyword_case",
        ),
        pytest.param(
            leaf("tags", "includes_all", ["x"] * 101),
            "value",
            "expected a list of 1-100 values",
            id="list_too_long_case",
        ),
        pytest.param(
            leaf("assignee_id", "equals", "7"),
            "value",
            "expected an id (a positive integer)",
            id="id_as_text_case",
        ),
        pytest.param(
            leaf("assignee_id", "in", [7, 0]),
            "value[1]",
            "expected an id (a positive integer)",
            id="id_zero_case",
        ),
        pytest.param(
            leaf("time_of_day", "gte", "25:00"),
            "value",
            "expected a time HH:MM (00:00-23:59)",
            id="bad_hour_case",
        ),
        pytest.param(
            leaf("time_of_day", "gte", "9:00"),
            "value",
            "expected a time HH:MM (00:00-23:59)",
            id="one_digit_hour_case",
        ),
        pytest.param(
            leaf("weekday", "equals", 7),
            "value",
            "expected a weekday 0-6 (0 is Monday)",
            id="weekday_out_of_range_case",
        ),
        pytest.param(
            leaf("weekday", "equals", "monday"),
            "value",
            "expected a weekday 0-6 (0 is Monday)",
            id="weekday_name_case",
        ),
        pytest.param(
            leaf("hours_since.created", "gt", float("nan")),
            "value",
            "expected a number",
            id="nan_hours_case",
        ),
        pytest.param(
            leaf("hours_since.created", "gt", True),
            "value",
            "expected a number",
            id="bool_hours_case",
        ),
        pytest.param(
            leaf("created_at", "gt", "2026-01-01"),
            "value",
            "expected a date-time with a time zone, like 2026-01-31T09:00Z",
            id="naive_date_case",
        ),
        pytest.param(
            leaf("created_at", "gt", 20260101),
            "value",
            "expected a date-time with a time zone, like 2026-01-31T09:00Z",
            id="number_date_case",
        ),
        pytest.param(
            leaf("custom.plan", "equals", ["gold"]),
            "value",
            "expected text, a number, true or false",
            id="list_for_custom_case",
        ),
        pytest.param(
            leaf("custom.plan", "gt", False), "value", "expected a number", id="bool_bound_case"
        ),
        pytest.param(
            {"not": leaf("subject", "contains")},
            "not.value",
            "expected non-empty text",
            id="inside_not_case",
        ),
        pytest.param(
            nested(9),
            "not.not.not.not.not.not.not.not",
            "nesting deeper than 8 levels",
            id="too_deep_case",
        ),
        pytest.param(
            {"all": [OK] * 101},
            "all[100]",
            "more than 100 conditions in one rule",
            id="too_many_leaves_case",
        ),
        pytest.param(
            {"any": [{"all": [OK] * 60}, {"all": [OK] * 41}]},
            "any[1].all[40]",
            "more than 100 conditions in one rule",
            id="too_many_leaves_nested_case",
        ),
        pytest.param(
            leaf("subject", "matches", 3),
            "value",
            "expected a regular expression",
            id="regex_not_text_case",
        ),
        pytest.param(
            leaf("subject", "matches", "a" * 201),
            "value",
            "regular expression longer than 200 characters",
            id="regex_too_long_case",
        ),
        pytest.param(
            leaf("subject", "matches", "(refund"),
            "value",
            "invalid regular expression: missing ), unterminated subpattern at position 0",
            id="regex_invalid_case",
        ),
    ],
)
def test_parse_error(data: Any, path: str, message: str) -> None:
    with pytest.raises(RuleError) as raised:
        parse_condition(data)

    assert (raised.value.path, raised.value.message) == (path, message)
    assert str(raised.value) == (f"{path}: {message}" if path else message)


def test_limits_are_inclusive() -> None:
    parse_condition(nested(8))
    parse_condition({"all": [OK] * 100})
    parse_condition(leaf("subject", "matches", "a" * 200))
    parse_condition(leaf("tags", "includes_any", ["x"] * 100))


# --- regular expressions: the ReDoS guard --------------------------------------------------

UNSAFE_PATTERNS = {
    r"(a+)+$": "nested",
    r"(a*)*b": "nested",
    r"([a-zA-Z]+)*": "nested",
    r"^(\w+\s?)*$": "nested",
    r"(\d+)*x": "nested",
    r"(x+x+)+y": "nested",
    r"(a?a?)*": "nested",
    r"(.*a){12}": "nested",
    r"^(([a-z])+.)+[A-Z]([a-z])+$": "nested",
    r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}"
    r"(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$": "nested",
    r"(?:a+)++": "nested",
    r"(a|a)*c": "alternatives",
    r"(a|aa)+": "alternatives",
    r"(a|ab)*c": "alternatives",
    r"(a|b|ab)*c": "alternatives",
    r"(\w|\d\d)+": "alternatives",
    r"(x|)+y": "alternatives",
    r".*.*=.*": "racing",
    r"\s*\s*$": "racing",
    r"a.*b.*c": "racing",
    r"^.*\d+\s*$": "racing",
    r".*\d+x": "racing",
    r".a*?a\w[a-z]a*?b{2,5}": "racing",
    r"a?a?a?a?a?a?a?a?a?a?aaaaaaaaaa": "racing",
    r".*(?=\w+x)": "racing",
}
UNSAFE_MESSAGES = {
    "nested": "nested quantifiers, as in (a+)+, can take forever",
    "alternatives": "alternatives in a repeated group must start differently, unlike (a|ab)*",
    "racing": "quantifiers that backtrack into each other, as in a.*b.*c or .*\\d+x, "
    "can take far too long",
}
SAFE_PATTERNS = [
    r"refund",
    r"order #?\d+",
    r"^(re|fwd?):\s*",
    r"\b(invoice|billing)\b",
    r"[A-Z]{2,10}-\d+",
    r"INC\d{7}",
    r"\d+-\d+",
    r"\w+@\w+\.\w+",
    r"(cat|dog)+",
    r"(bar|baz)+",
    r"(\w|\d)+",
    r"\d+(?:,\d++)*",
    r"(?>\w+\s)*",
    r"order.*shipped",
    r"order.*\d+",
    r".*a?b",
    r"colou?r",
    r"https?://\S+",
    r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}",
    r"^.*$",
    r"^\s*$",
    r"[^,]+,[^,]+",
    r"straße",
    r"\bmy order (is|was) late\b",
]


@pytest.mark.parametrize(("pattern", "reason"), UNSAFE_PATTERNS.items())
def test_unsafe_patterns_are_refused(pattern: str, reason: str) -> None:
    with pytest.raises(RuleError) as raised:
        parse_condition(leaf("body", "matches", pattern))

    assert raised.value.message == f"unsafe regular expression: {UNSAFE_MESSAGES[reason]}"


@pytest.mark.parametrize("pattern", SAFE_PATTERNS)
def test_common_patterns_are_accepted(pattern: str) -> None:
    parse_condition(leaf("body", "matches", pattern))


@pytest.mark.parametrize(
    "false_positive",
    [
        r"(\d+,)*\d+",
        r"\d{1,3}(?:\.\d{1,3}){3}",
        r"(foo|bar|baz)+",
        r"a?.*b",
        r"(?=.*a)(?=.*b)",
        r"(?>.*a).*b",
    ],
)
def test_documented_false_positives_are_refused(false_positive: str) -> None:
    # Safe, but refused by the conservative check (see the comment in conditions.py).
    with pytest.raises(RuleError):
        parse_condition(leaf("body", "matches", false_positive))


def test_a_pattern_sees_only_the_first_window_of_text() -> None:
    condition = leaf("body", "matches", "needle")
    within = "x" * (MATCH_WINDOW - 6) + "needle"
    beyond = "x" * MATCH_WINDOW + "needle"

    assert holds(condition, ticket={"body": within})
    assert not holds(condition, ticket={"body": beyond})


def test_the_worst_accepted_pattern_stays_fast_on_hostile_text() -> None:
    # One racing quantifier on 1 MB: quadratic within the 10,000-character window (about
    # 0.2 s), where the whole text would take hours.
    condition = parse_condition(leaf("body", "matches", "x.*y"))
    ticket = make_ticket(body="x" * 1_000_000)

    started = time.perf_counter()
    assert not evaluate(condition, ticket, make_event(), now=NOW)
    assert time.perf_counter() - started < 3


# --- facts and vocabularies ------------------------------------------------------------------


def test_every_ticket_fact_is_a_condition_field() -> None:
    names = {f.name for f in fields(TicketFacts)} - {"custom_fields"}

    assert all(resolve_field(name) is not None for name in names)


def test_vocabularies_match_the_django_choices() -> None:
    from frontdesk.accounts.choices import Role
    from frontdesk.tickets.choices import Channel, Priority, StatusCategory, TicketType

    assert {p.label: p.value for p in Priority} == PRIORITY_RANKS
    assert set(CHANNELS) == set(Channel.values)
    assert set(TICKET_TYPES) == set(TicketType.values)
    assert set(STATUS_CATEGORIES) == set(StatusCategory.values)
    assert set(ACTOR_ROLES) == {*Role.values, "system"}


def test_the_engine_does_not_import_django() -> None:
    code = (
        "import sys, frontdesk.automation.rules; "
        "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    source = Path(__file__).parents[3]
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": str(source)})


@pytest.mark.parametrize(
    ("build", "message"),
    [
        pytest.param(
            lambda: make_ticket(priority=5),
            "priority must be a rank 1-4, not 5",
            id="bad_rank_case",
        ),
        pytest.param(
            lambda: make_ticket(created_at=NAIVE),
            "created_at must be timezone-aware",
            id="naive_created_case",
        ),
        pytest.param(
            lambda: make_event(kind="deleted"),
            "unknown event kind 'deleted'",
            id="unknown_kind_case",
        ),
        pytest.param(
            lambda: make_event(actor_role="robot"),
            "unknown actor role 'robot'",
            id="unknown_role_case",
        ),
        pytest.param(
            lambda: make_event(since={"time": NOW}),
            "since: unknown event kind 'time'",
            id="since_clock_case",
        ),
        pytest.param(
            lambda: make_event(since={"created": NAIVE}),
            "since[created] must be timezone-aware",
            id="naive_since_case",
        ),
    ],
)
def test_facts_refuse_caller_mistakes(build: Any, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        build()


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        evaluate(parse_condition(OK), make_ticket(), make_event(), now=NAIVE)


# --- properties --------------------------------------------------------------------------------

aware_datetimes = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=-8)), timezone(timedelta(hours=5, minutes=30))]
    ),
)
short_text = st.text(min_size=1, max_size=12)
any_text = st.text(max_size=30)
custom_values = st.one_of(
    st.none(),
    any_text,
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(any_text, max_size=3),
    st.lists(st.lists(any_text, max_size=2) | st.dictionaries(short_text, any_text), max_size=2),
)
CUSTOM_KEYS = ["plan", "seats", "region"]
TRACKED = ["status", "priority", "team", "tags", "assignee_id", "custom.plan", "custom.seats"]

tickets = st.builds(
    TicketFacts,
    subject=any_text,
    body=any_text,
    channel=st.sampled_from(CHANNELS),
    mailbox=st.none() | any_text,
    type=st.sampled_from(TICKET_TYPES),
    priority=st.integers(1, 4),
    status=any_text,
    status_category=st.sampled_from(STATUS_CATEGORIES),
    team=st.none() | any_text,
    assignee_id=st.none() | st.integers(1, 5),
    requester_email=any_text,
    requester_domain=any_text,
    organization=st.none() | any_text,
    organization_tier=st.none() | any_text,
    tags=st.frozensets(short_text, max_size=4),
    custom_fields=st.dictionaries(st.sampled_from(CUSTOM_KEYS), custom_values, max_size=3),
    category=st.none() | any_text,
    created_at=aware_datetimes,
    updated_at=aware_datetimes,
)
old_values = st.one_of(
    st.none(), any_text, st.integers(-2, 6), st.sampled_from(list(PRIORITY_RANKS)), custom_values
)
events = st.builds(
    EventFacts,
    kind=st.sampled_from(EVENT_KINDS),
    actor_role=st.sampled_from(ACTOR_ROLES),
    occurred_at=aware_datetimes,
    changed_fields=st.frozensets(st.sampled_from(TRACKED)),
    previous=st.dictionaries(st.sampled_from(TRACKED), old_values, max_size=3),
    since=st.dictionaries(st.sampled_from(HISTORY_KINDS), aware_datetimes, max_size=3),
)
FIELDS = [
    *(f.name for f in fields(TicketFacts) if f.name != "custom_fields"),
    "custom.plan",
    "custom.seats",
    "custom.region",
    "event.kind",
    "event.actor_role",
    "event.changed",
    "previous.status",
    "previous.priority",
    "previous.tags",
    "previous.custom.plan",
    "hours_since.customer_replied",
    "hours_since.created",
    "time_of_day",
    "weekday",
]
SAFE_REGEXES = ["refund", r"^\w+", r"\d{2,}", "(cat|dog)+", "a.*b", "^$"]
clock_texts = st.builds("{:02d}:{:02d}".format, st.integers(0, 23), st.integers(0, 59))


def scalar_values(field: str, kind: Kind) -> st.SearchStrategy[Any]:
    """Valid values for equality (and membership) on `field`."""
    spec = resolve_field(field)
    assert spec is not None
    if spec.vocabulary:
        return st.sampled_from(spec.vocabulary)
    if field == "event.changed":
        return st.sampled_from(TRACKED)
    return {
        Kind.TEXT: short_text,
        Kind.SET: short_text,
        Kind.PRIORITY: st.sampled_from([*PRIORITY_RANKS, 1, 2, 3, 4]),
        Kind.ID: st.integers(1, 5),
        Kind.CLOCK: clock_texts,
        Kind.WEEKDAY: st.integers(0, 6),
        Kind.VALUE: st.one_of(
            short_text,
            st.integers(),
            st.floats(allow_nan=False, allow_infinity=False),
            st.booleans(),
        ),
    }[kind]


def bound_values(kind: Kind) -> st.SearchStrategy[Any]:
    """Valid values for gt/gte/lt/lte."""
    numbers = st.integers(-100, 100) | st.floats(-100, 100)
    return {
        Kind.PRIORITY: st.sampled_from([*PRIORITY_RANKS, 1, 2, 3, 4]),
        Kind.CLOCK: clock_texts,
        Kind.WEEKDAY: st.integers(0, 6),
        Kind.MOMENT: aware_datetimes.map(datetime.isoformat),
        Kind.HOURS: numbers,
        Kind.VALUE: numbers | short_text,
    }[kind]


def values_for(field: str, op: str) -> st.SearchStrategy[Any]:
    spec = resolve_field(field)
    assert spec is not None
    if op in ("in", "not_in"):
        return st.lists(scalar_values(field, spec.kind), min_size=1, max_size=3)
    if op in ("includes_any", "includes_all"):
        return st.lists(
            scalar_values(field, Kind.TEXT if spec.kind is Kind.VALUE else spec.kind),
            min_size=1,
            max_size=3,
        ).map(lambda xs: [str(x) for x in xs])
    if op in ("gt", "gte", "lt", "lte"):
        return bound_values(spec.kind)
    if op == "matches":
        return st.sampled_from(SAFE_REGEXES)
    if op in ("contains", "not_contains", "starts_with", "ends_with"):
        return scalar_values(field, Kind.TEXT if spec.kind is Kind.VALUE else spec.kind).map(str)
    return scalar_values(field, spec.kind)


@st.composite
def leaves(draw: st.DrawFn, ops: tuple[str, ...] | None = None) -> dict[str, Any]:
    field = draw(st.sampled_from(FIELDS))
    spec = resolve_field(field)
    assert spec is not None
    allowed = [op for op in operators_for(spec) if ops is None or op in ops]
    if not allowed:
        return draw(leaves(ops))
    op = draw(st.sampled_from(allowed))
    if op in VALUELESS_OPERATORS:
        return {"field": field, "op": op}
    return {"field": field, "op": op, "value": draw(values_for(field, op))}


conditions = st.recursive(
    leaves(),
    lambda children: st.one_of(
        st.lists(children, max_size=4).map(lambda xs: {"all": xs}),
        st.lists(children, max_size=4).map(lambda xs: {"any": xs}),
        children.map(lambda x: {"not": x}),
    ),
    max_leaves=20,
)
clocks = aware_datetimes


@given(conditions)
def test_serialize_round_trips(data: dict[str, Any]) -> None:
    parsed = parse_condition(data)

    assert serialize_condition(parsed) == data
    assert parse_condition(serialize_condition(parsed)) == parsed


@given(conditions, tickets, events, clocks)
def test_evaluate_and_explain_never_raise_and_agree_on_leaves(
    data: dict[str, Any], ticket: TicketFacts, event: EventFacts, now: datetime
) -> None:
    parsed = parse_condition(data)

    evaluate(parsed, ticket, event, now=now)
    lines = explain(parsed, ticket, event, now=now)

    assert len(lines) == count_leaves(data)


def count_leaves(data: dict[str, Any]) -> int:
    if "field" in data:
        return 1
    children = data.get("all", data.get("any", [data.get("not")]))
    return sum(count_leaves(child) for child in children)


@given(leaves(), tickets, events, clocks)
def test_explain_agrees_with_evaluate(
    data: dict[str, Any], ticket: TicketFacts, event: EventFacts, now: datetime
) -> None:
    parsed = parse_condition(data)

    [line] = explain(parsed, ticket, event, now=now)

    assert (": yes (" in line) is evaluate(parsed, ticket, event, now=now)


@given(conditions, tickets, events, clocks)
def test_not_inverts(
    data: dict[str, Any], ticket: TicketFacts, event: EventFacts, now: datetime
) -> None:
    plain = evaluate(parse_condition(data), ticket, event, now=now)

    assert evaluate(parse_condition({"not": data}), ticket, event, now=now) is not plain


@given(conditions, tickets, events, clocks)
def test_groups_of_one_and_none(
    data: dict[str, Any], ticket: TicketFacts, event: EventFacts, now: datetime
) -> None:
    def check(condition: dict[str, Any]) -> bool:
        return evaluate(parse_condition(condition), ticket, event, now=now)

    assert check({"all": []}) is True
    assert check({"any": []}) is False
    assert check({"all": [data]}) is check(data) is check({"any": [data]})


@given(leaves(ops=tuple(NEGATIONS.values())), tickets, events, clocks)
def test_each_negative_operator_is_the_negation_of_its_twin(
    data: dict[str, Any], ticket: TicketFacts, event: EventFacts, now: datetime
) -> None:
    twin = {v: k for k, v in NEGATIONS.items()}[data["op"]]
    negative = data | {"op": twin}

    positive_holds = evaluate(parse_condition(data), ticket, event, now=now)

    assert evaluate(parse_condition(negative), ticket, event, now=now) is not positive_holds


REGEX_PIECES = [
    "a",
    "b",
    ".",
    "\\d",
    "\\w",
    "\\s",
    "[^,]",
    "[a-z]",
    "(",
    ")",
    "(?:",
    "(?>",
    "(?=x)",
    "(?<=x)",
    "|",
    "*",
    "+",
    "?",
    "{2,3}",
    "{3}",
    "*?",
    "++",
    "^",
    "$",
    "\\b",
    "\\1",
    "(?(1)a|b)",
    "(?i:",
    "ß",
    "[^\\W\\d]",
]


def accepts(pattern: str) -> bool:
    """Whether a pattern is accepted; refusals must be RuleErrors about the pattern."""
    try:
        parse_condition(leaf("body", "matches", pattern))
    except RuleError as error:
        if not error.message.startswith(("invalid regular", "unsafe regular")):
            raise
        return False
    return True


@given(st.lists(st.sampled_from(REGEX_PIECES), min_size=1, max_size=12).map("".join), any_text)
def test_the_regex_guard_accepts_or_refuses_but_never_crashes(pattern: str, text: str) -> None:
    if accepts(pattern):
        condition = parse_condition(leaf("body", "matches", pattern))
        evaluate(condition, make_ticket(body=text), make_event(), now=NOW)
