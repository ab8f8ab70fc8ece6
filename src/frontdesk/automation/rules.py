"""Ordered rule sets: routing rules and triggers, run against one event.

The semantics are those of Zendesk triggers. Rules are checked in position order (ties by
id). A rule whose condition holds fires: its actions are planned against the facts as they
stand, its field changes are made to the facts, and the event grows to include them, so a
later rule sees what an earlier one did (`changed`, `previous.*` and plain field conditions
alike). After a firing that changed something, checking starts again from the top, because a
rule that did not match before may match now. Promises (tests/test_rules.py):

- each rule fires at most once per run, so a run ends;
- a rule with `stop_processing` ends the run when it fires;
- no run fires more than `max_firings` rules; when the cap stopped a rule that would have
  fired, the result says so (`capped`);
- the merged plan's changes turn the original facts into the final ones.

The caller carries the merged plan out as part of the same event (one update, with each
fired rule and its explanation recorded on the ticket) and does not run the rules again for
the changes it makes. Loops through side effects (a webhook that updates the ticket through
the API) are the caller's to bound, with a firing cap per ticket across events.
"""

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from frontdesk.automation.actions import (
    Action,
    AssignEffect,
    Effect,
    Plan,
    apply_changes,
    diff_facts,
    plan_actions,
    unique_effects,
)
from frontdesk.automation.conditions import (
    Condition,
    EventFacts,
    TicketFacts,
    evaluate,
    explain,
)

DEFAULT_MAX_FIRINGS = 10
# Facts a rule can change, compared to tell which fields a firing changed.
_CHANGEABLE = (
    "status",
    "status_category",
    "priority",
    "type",
    "category",
    "team",
    "assignee_id",
    "tags",
)


@dataclass(frozen=True)
class Rule:
    """A routing rule or trigger as the engine needs it; `condition` and `actions` come
    from `parse_condition` and `parse_actions`."""

    id: int
    name: str
    position: int
    condition: Condition
    actions: tuple[Action, ...]
    stop_processing: bool = False


@dataclass(frozen=True)
class FiredRule:
    """One firing: the rule, why it matched (`explain` lines) and what it planned."""

    rule_id: int
    name: str
    explanation: tuple[str, ...]
    plan: Plan


@dataclass(frozen=True)
class RunResult:
    """The outcome of a run: the firings in order, the merged plan (changes from the
    original facts to `ticket`, every side effect once), the rule that stopped the run if
    any, and whether the firing cap cut it short."""

    fired: tuple[FiredRule, ...]
    plan: Plan
    ticket: TicketFacts
    stopped_by: int | None = None
    capped: bool = False


def run_rules(
    rules: Iterable[Rule],
    ticket: TicketFacts,
    event: EventFacts,
    *,
    now: datetime,
    max_firings: int = DEFAULT_MAX_FIRINGS,
    status_categories: Mapping[str, str] | None = None,
) -> RunResult:
    """Fire the matching rules in order (see the module docstring). `status_categories`
    maps status slugs to categories, so a rule that sets a status updates the category
    later rules see."""
    if max_firings < 0:
        raise ValueError("max_firings cannot be negative")
    run = _Run(_in_order(rules), ticket, event, status_categories or {})
    while (rule := run.next_match(now)) is not None:
        if len(run.fired) >= max_firings:
            return run.result(ticket, capped=True)
        changed = run.fire(rule, now)
        if rule.stop_processing:
            return run.result(ticket, stopped_by=rule.id)
        if changed:
            run.restart()
    return run.result(ticket)


def _in_order(rules: Iterable[Rule]) -> list[Rule]:
    ordered = sorted(rules, key=lambda rule: (rule.position, rule.id))
    ids = [rule.id for rule in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("each rule may appear only once")
    return ordered


class _Run:
    """The state of one run: the facts so far, the firings, and where checking resumes."""

    def __init__(
        self,
        rules: list[Rule],
        ticket: TicketFacts,
        event: EventFacts,
        status_categories: Mapping[str, str],
    ) -> None:
        self.rules = rules
        self.ticket = ticket
        self.event = event
        self.status_categories = status_categories
        self.fired: list[FiredRule] = []
        self.cursor = 0

    def next_match(self, now: datetime) -> Rule | None:
        """The next rule, from the cursor on, that has not fired and whose condition holds."""
        fired_ids = {firing.rule_id for firing in self.fired}
        while self.cursor < len(self.rules):
            rule = self.rules[self.cursor]
            self.cursor += 1
            if rule.id not in fired_ids and evaluate(
                rule.condition, self.ticket, self.event, now=now
            ):
                return rule
        return None

    def fire(self, rule: Rule, now: datetime) -> bool:
        """Record the firing and make its changes to the facts; True if anything changed."""
        plan = plan_actions(rule.actions, self.ticket)
        lines = tuple(explain(rule.condition, self.ticket, self.event, now=now))
        self.fired.append(FiredRule(rule.id, rule.name, lines, plan))
        if not plan.changes:
            return False
        after = apply_changes(self.ticket, plan.changes, status_categories=self.status_categories)
        self.event = _event_after(self.event, self.ticket, after)
        self.ticket = after
        return True

    def restart(self) -> None:
        self.cursor = 0

    def result(
        self, original: TicketFacts, *, stopped_by: int | None = None, capped: bool = False
    ) -> RunResult:
        effects = [effect for firing in self.fired for effect in firing.plan.effects]
        plan = Plan(diff_facts(original, self.ticket), _merge_effects(effects, self.ticket))
        return RunResult(tuple(self.fired), plan, self.ticket, stopped_by, capped)


def _merge_effects(effects: list[Effect], final: TicketFacts) -> tuple[Effect, ...]:
    """Every effect once; of the assignments by strategy only the last, in the final team
    (a later rule may have moved the ticket to another team)."""
    assignments = [effect for effect in effects if isinstance(effect, AssignEffect)]
    others: list[Effect] = [e for e in effects if not isinstance(e, AssignEffect)]
    if assignments:
        others.append(AssignEffect(assignments[-1].strategy, final.team))
    return unique_effects(others)


def _event_after(event: EventFacts, before: TicketFacts, after: TicketFacts) -> EventFacts:
    """The event including a firing's changes: the fields join `changed_fields`, and
    `previous` keeps the value from before the event (or from before the rule, for a field
    the event itself did not change)."""
    changed = changed_values(before, after)
    previous = dict(event.previous)
    for name, old in changed.items():
        if name not in event.changed_fields:
            previous[name] = old
    return dataclasses.replace(
        event, changed_fields=event.changed_fields | changed.keys(), previous=previous
    )


def changed_values(before: TicketFacts, after: TicketFacts) -> dict[str, Any]:
    """The condition field names whose value differs, mapped to their value in `before`."""
    changed = {
        name: getattr(before, name)
        for name in _CHANGEABLE
        if _differs(getattr(before, name), getattr(after, name))
    }
    old, new = before.custom_fields, after.custom_fields
    for key in sorted(set(old) | set(new)):
        if _differs(old.get(key), new.get(key)):
            changed[f"custom.{key}"] = old.get(key)
    return changed


def _differs(first: Any, second: Any) -> bool:
    # Strict, as in `actions.diff_facts`: 1 -> true is a change although 1 == True.
    return type(first) is not type(second) or first != second
