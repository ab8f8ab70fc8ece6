"""Triggers and time rules as the engine runs them: checking their JSON, the active
triggers kept per process, and what a time rule's condition tells the candidate query.

Both are a condition and actions in the language of `automation/` (one engine for routing
rules, SLA policies, triggers and time rules). Every ticket action asks for the active
triggers, so they are kept per process for `CACHE_SECONDS` (as `routing/rulebook.py` keeps
routing rules) and dropped at once in the process that changes them, after commit.
"""

import logging
import threading
import time as monotonic_time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from frontdesk.automation.actions import Action, SetField, parse_actions, serialize_actions
from frontdesk.automation.conditions import (
    PRIORITY_NAMES,
    AllOf,
    AnyOf,
    Condition,
    Leaf,
    Not,
    parse_condition,
    serialize_condition,
)
from frontdesk.automation.errors import RuleError
from frontdesk.automation.rules import Rule
from frontdesk.triggers.models import TimeRule, Trigger

log = logging.getLogger(__name__)

CACHE_SECONDS = 10.0
EVERY_TICKET: dict[str, Any] = {"all": []}
THRESHOLD_OPERATORS = ("gt", "gte")


# --- checking -----------------------------------------------------------------------------


def _prefixed(part: str, path: str) -> str:
    if not path:
        return part
    return f"{part}{path}" if path.startswith("[") else f"{part}.{path}"


def parse_rule(condition: Any, actions: Any) -> tuple[Condition, tuple[Action, ...]]:
    """The parsed condition and actions of a trigger, or RuleError whose path starts with
    the part at fault: `condition` (`condition.all[1].value`) or `actions` (`actions[0]`).
    An empty condition `{}` matches every event."""
    if isinstance(condition, Mapping) and not condition:
        condition = EVERY_TICKET
    try:
        parsed_condition = parse_condition(condition)
    except RuleError as exc:
        raise RuleError(_prefixed("condition", exc.path), exc.message) from exc
    try:
        parsed_actions = parse_actions(actions)
    except RuleError as exc:
        raise RuleError(_prefixed("actions", exc.path), exc.message) from exc
    if not parsed_actions:
        raise RuleError("actions", "a rule needs at least one action")
    return parsed_condition, parsed_actions


def parse_time_rule(condition: Any, actions: Any) -> tuple[Condition, tuple[Action, ...]]:
    """As `parse_rule`, and the condition must bound the time: at least one
    `hours_since.<event>` with gt or gte among the conditions that must all hold (the top
    level, or its `all`), which is what lets the scheduler look only at old-enough tickets."""
    parsed_condition, parsed_actions = parse_rule(condition, actions)
    if not thresholds(parsed_condition):
        raise RuleError(
            "condition",
            "a time rule needs an hours_since.<event> condition with gt or gte at the top "
            'level, e.g. {"field": "hours_since.status_changed", "op": "gte", "value": 120}',
        )
    return parsed_condition, parsed_actions


def canonical(
    condition: Any, actions: Any, *, time_rule: bool = False
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The checked condition and actions in the engine's canonical JSON, as stored."""
    parse = parse_time_rule if time_rule else parse_rule
    parsed_condition, parsed_actions = parse(condition, actions)
    return serialize_condition(parsed_condition), serialize_actions(parsed_actions)


def trigger_rule(row: Trigger) -> Rule:
    """The engine's rule for a stored trigger (RuleError if it no longer parses)."""
    condition, actions = parse_rule(row.condition, row.actions)
    return Rule(row.pk, row.name, row.position, condition, actions, row.stop_processing)


def time_rule(row: TimeRule) -> Rule:
    """The engine's rule for a stored time rule (RuleError if it no longer parses)."""
    condition, actions = parse_time_rule(row.condition, row.actions)
    return Rule(row.pk, row.name, row.position, condition, actions)


def draft_rule(
    condition: Any, actions: Any, *, name: str, stop_processing: bool = False, time: bool = False
) -> Rule:
    """An unsaved rule to try out (the dry run), with id 0."""
    parse = parse_time_rule if time else parse_rule
    parsed_condition, parsed_actions = parse(condition, actions)
    return Rule(0, name, 0, parsed_condition, parsed_actions, stop_processing)


# --- reading conditions -------------------------------------------------------------------


def leaves(condition: Condition) -> Iterator[Leaf]:
    match condition:
        case AllOf(children) | AnyOf(children):
            for child in children:
                yield from leaves(child)
        case Not(inner):
            yield from leaves(inner)
        case Leaf():
            yield condition


def since_kinds(condition: Condition) -> frozenset[str]:
    """The event kinds whose last moment the condition reads (`hours_since.<kind>`)."""
    return frozenset(
        leaf.field.partition(".")[2]
        for leaf in leaves(condition)
        if leaf.field.startswith("hours_since.")
    )


def _required(condition: Condition) -> tuple[Leaf, ...]:
    """The leaves that must all hold for the condition to hold."""
    match condition:
        case AllOf(children):
            return tuple(child for child in children if isinstance(child, Leaf))
        case Leaf():
            return (condition,)
    return ()


def thresholds(condition: Condition) -> dict[str, float]:
    """Event kind -> the fewest hours since it that the condition requires."""
    found: dict[str, float] = {}
    for leaf in _required(condition):
        kind = leaf.field.partition(".")[2]
        if leaf.field.startswith("hours_since.") and leaf.op in THRESHOLD_OPERATORS:
            found[kind] = max(found.get(kind, 0.0), float(leaf.operand))
    return found


def candidate_filter(condition: Condition, now: Any) -> Q:
    """A filter on tickets that every ticket meeting the condition passes: the time
    thresholds as bounds on `created_at` / `updated_at` (every event happens after
    creation, so "N hours since X" needs a ticket at least N hours old), and the required
    status category, status, priority and assignee tests. The condition itself is then
    judged on each candidate; this only keeps the scan to tickets that may match."""
    q = Q()
    for kind, hours in thresholds(condition).items():
        bound = now - timedelta(hours=hours)
        q &= Q(updated_at__lte=bound) if kind == "updated" else Q(created_at__lte=bound)
    for leaf in _required(condition):
        q &= _leaf_filter(leaf)
    return q


def _leaf_filter(leaf: Leaf) -> Q:
    operand = leaf.operand
    match leaf.field, leaf.op:
        case "status_category", "equals":
            return Q(status_category=operand)
        case "status_category", "in":
            return Q(status_category__in=list(operand))
        case "status", "equals":
            return Q(status__slug__iexact=operand)
        case "priority", "equals":
            return Q(priority=operand)
        case "priority", "in":
            return Q(priority__in=list(operand))
        case "priority", "gte":
            return Q(priority__gte=operand)
        case "priority", "gt":
            return Q(priority__gt=operand)
        case "priority", "lte":
            return Q(priority__lte=operand)
        case "priority", "lt":
            return Q(priority__lt=operand)
        case "assignee_id", "is_not_set":
            return Q(assignee__isnull=True)
        case "assignee_id", "is_set":
            return Q(assignee__isnull=False)
        case "team", "is_not_set":
            return Q(team__isnull=True)
    return Q()


def sets_status(rules: tuple[Rule, ...]) -> bool:
    return any(
        isinstance(action, SetField) and action.field == "status"
        for rule in rules
        for action in rule.actions
    )


assert set(PRIORITY_NAMES) == {1, 2, 3, 4}  # the ranks `priority` filters compare


# --- the active triggers, cached ----------------------------------------------------------


@dataclass(frozen=True)
class Rulebook:
    """The active triggers in run order, and what running them needs to know up front."""

    rules: tuple[Rule, ...] = ()
    since_kinds: frozenset[str] = frozenset()
    sets_status: bool = False


_lock = threading.Lock()
_cached: tuple[float, Rulebook] | None = None


def active_triggers() -> Rulebook:
    """The active triggers: one query, then none for CACHE_SECONDS."""
    global _cached
    with _lock:
        if _cached is not None and monotonic_time.monotonic() - _cached[0] < CACHE_SECONDS:
            return _cached[1]
    book = _load()
    with _lock:
        _cached = (monotonic_time.monotonic(), book)
    return book


def forget_triggers() -> None:
    """Drop the cached triggers now (tests) ..."""
    global _cached
    with _lock:
        _cached = None


def forget_triggers_after_commit() -> None:
    """... or once the transaction that changed them commits (actions)."""
    transaction.on_commit(forget_triggers)


def _load() -> Rulebook:
    rules = []
    for row in Trigger.objects.filter(is_active=True).order_by("position", "pk"):
        try:
            rules.append(trigger_rule(row))
        except RuleError as exc:
            # Saved triggers were checked; one the language no longer accepts must not stop
            # tickets from changing. It is skipped and shown as broken on its page.
            log.warning("trigger %s (%s) skipped: %s", row.pk, row.name, exc)
    kinds = frozenset().union(*(since_kinds(rule.condition) for rule in rules))
    return Rulebook(tuple(rules), kinds, sets_status(tuple(rules)))
