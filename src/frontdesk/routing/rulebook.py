"""Routing rules as the engine runs them: checking a rule's JSON, and the active rules
kept per process.

A routing rule is a condition and actions in the language of `automation/` (one engine for
routing rules, SLA policies and triggers), restricted to the actions that triage a new
ticket (`ROUTING_ACTIONS`). Assigning, notes, emails, webhooks and macros are the business
of triggers.

Every ticket creation asks for the active rules, so they are kept per process for
`CACHE_SECONDS` (as `sla/policies.py` keeps policies) and dropped at once in the process that
changes them, after commit. Another process sees a change within that time.
"""

import logging
import threading
import time as monotonic_time
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from frontdesk.automation.actions import (
    Action,
    AddTags,
    RemoveTags,
    SetCustomField,
    SetField,
    parse_actions,
    serialize_actions,
)
from frontdesk.automation.conditions import Condition, parse_condition, serialize_condition
from frontdesk.automation.errors import RuleError
from frontdesk.automation.rules import Rule
from frontdesk.routing.models import RoutingRule

log = logging.getLogger(__name__)

CACHE_SECONDS = 10.0
ROUTING_FIELDS = ("team", "category", "priority", "type")
ROUTING_ACTIONS = ("set_field", "add_tags", "remove_tags", "set_custom_field")
EVERY_TICKET: dict[str, Any] = {"all": []}


# --- checking -----------------------------------------------------------------------------


def parse_routing_condition(data: Any) -> Condition:
    """The condition, or RuleError. An empty object means every ticket (`{"all": []}`)."""
    if isinstance(data, Mapping) and not data:
        data = EVERY_TICKET
    return parse_condition(data)


def parse_routing_actions(data: Any) -> tuple[Action, ...]:
    """The actions, or RuleError; only the routing subset is allowed."""
    parsed = parse_actions(data)
    if not parsed:
        raise RuleError("", "a routing rule needs at least one action")
    for i, action in enumerate(parsed):
        match action:
            case SetField(field=name) if name not in ROUTING_FIELDS:
                raise RuleError(
                    f"[{i}].field",
                    f"a routing rule cannot set {name}; it sets {', '.join(ROUTING_FIELDS)} "
                    "(assignment follows the team's strategy)",
                )
            case SetField() | AddTags() | RemoveTags() | SetCustomField():
                pass
            case _:
                raise RuleError(
                    f"[{i}].type",
                    f"{serialize_actions([action])[0]['type']!r} is for triggers, not routing "
                    f"rules; use one of {', '.join(ROUTING_ACTIONS)}",
                )
    return parsed


def parse_rule(condition: Any, actions: Any) -> tuple[Condition, tuple[Action, ...]]:
    """The parsed condition and actions, or RuleError whose path starts with the part at
    fault: `condition` (`condition.all[1].value`) or `actions` (`actions[0].field`)."""
    try:
        parsed_condition = parse_routing_condition(condition)
    except RuleError as exc:
        raise RuleError(_prefixed("condition", exc.path), exc.message) from exc
    try:
        parsed_actions = parse_routing_actions(actions)
    except RuleError as exc:
        raise RuleError(_prefixed("actions", exc.path), exc.message) from exc
    return parsed_condition, parsed_actions


def canonical_rule(condition: Any, actions: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The condition and actions checked (`parse_rule`) and in the engine's canonical JSON
    (tags normalised, priorities by name), as they are stored."""
    parsed_condition, parsed_actions = parse_rule(condition, actions)
    return serialize_condition(parsed_condition), serialize_actions(parsed_actions)


def draft_rule(condition: Any, actions: Any, *, name: str, stop_processing: bool = False) -> Rule:
    """An unsaved rule to try out (the dry run), with id 0; RuleError as `parse_rule`."""
    parsed_condition, parsed_actions = parse_rule(condition, actions)
    return Rule(0, name, 0, parsed_condition, parsed_actions, stop_processing)


def _prefixed(part: str, path: str) -> str:
    if not path:
        return part
    return f"{part}{path}" if path.startswith("[") else f"{part}.{path}"


def rule_from_row(row: RoutingRule) -> Rule:
    """The engine's rule for a stored row (RuleError if the row no longer parses)."""
    return Rule(
        id=row.pk,
        name=row.name,
        position=row.position,
        condition=parse_routing_condition(row.condition),
        actions=parse_routing_actions(row.actions),
        stop_processing=row.stop_processing,
    )


# --- the active rules, cached -------------------------------------------------------------

_lock = threading.Lock()
_cached: tuple[float, tuple[Rule, ...]] | None = None


def active_rules() -> tuple[Rule, ...]:
    """The active rules in the order they run: one query, then none for CACHE_SECONDS."""
    global _cached
    with _lock:
        if _cached is not None and monotonic_time.monotonic() - _cached[0] < CACHE_SECONDS:
            return _cached[1]
    rules = _load()
    with _lock:
        _cached = (monotonic_time.monotonic(), rules)
    return rules


def forget_rules() -> None:
    """Drop the cached rules now (tests) ..."""
    global _cached
    with _lock:
        _cached = None


def forget_rules_after_commit() -> None:
    """... or once the transaction that changed them commits (actions)."""
    transaction.on_commit(forget_rules)


def _load() -> tuple[Rule, ...]:
    rules = []
    for row in RoutingRule.objects.filter(is_active=True).order_by("position", "pk"):
        try:
            rules.append(rule_from_row(row))
        except RuleError as exc:
            # Saved rules were checked; one the language no longer accepts must not stop
            # tickets from being created. It is skipped and shown as broken on its page.
            log.warning("routing rule %s (%s) skipped: %s", row.pk, row.name, exc)
    return tuple(rules)
