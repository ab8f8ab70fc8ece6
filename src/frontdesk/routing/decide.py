"""Which routing rules fire for a new ticket, and what each one changes (pure: no ORM, no
clock). Shared by ticket creation (`actions/apply.py`) and the dry run (`queries.py`).

What the creator set explicitly wins over rules: a rule's action on such a field is taken
out before the run, so later rules see the creator's value and the firing records the
field as `kept`. Explicit means a team (or an assignee, which pins the team), a category,
a priority other than `normal`, a type other than `question` (those two are what every
channel sends when nobody chose), the creator's tags (rules may add tags but not remove
these) and the custom fields the creator gave.
"""

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from frontdesk.automation.actions import (
    Action,
    RemoveTags,
    SetCustomField,
    SetField,
    apply_changes,
)
from frontdesk.automation.conditions import EventFacts, TicketFacts
from frontdesk.automation.rules import DEFAULT_MAX_FIRINGS, Rule, RunResult, run_rules


@dataclass(frozen=True)
class Explicit:
    """What the creator chose, which rules leave alone."""

    fields: frozenset[str] = frozenset()  # of team, category, priority, type
    tags: frozenset[str] = frozenset()
    custom_keys: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Firing:
    """One fired rule: why (the `explain` lines), what it changes, in the order the engine
    made them (`team`, `category`, `priority`, `type`: the new value; `tags`: `added` and
    `removed`; `custom_fields`: key to new value, None clears), which fields it left to the
    creator, and whether it stopped the run."""

    rule_id: int
    name: str
    explanation: tuple[str, ...]
    changes: dict[str, Any]
    kept: tuple[str, ...] = ()
    stopped: bool = False


@dataclass(frozen=True)
class Decision:
    firings: tuple[Firing, ...]
    capped: bool  # the firing cap cut the run short
    final: TicketFacts  # the facts after every firing


def decide(
    rules: Iterable[Rule],
    facts: TicketFacts,
    explicit: Explicit,
    *,
    now: datetime,
    max_firings: int = DEFAULT_MAX_FIRINGS,
) -> Decision:
    """Run `rules` on a new ticket's facts, keeping the creator's explicit values."""
    restrained = [restrain(rule, explicit) for rule in rules]
    kept = {rule.id: fields for rule, fields in restrained}
    result = run_rules(
        [rule for rule, _ in restrained],
        facts,
        EventFacts(kind="created", actor_role="system", occurred_at=now),
        now=now,
        max_firings=max_firings,
    )
    return Decision(_firings(result, facts, kept), result.capped, result.ticket)


def restrain(rule: Rule, explicit: Explicit) -> tuple[Rule, tuple[str, ...]]:
    """The rule without the actions that would override the creator, and the fields it
    would have overridden (`tags`, `custom.<key>`, or a field name)."""
    actions: list[Action] = []
    kept: list[str] = []
    for action in rule.actions:
        match action:
            case SetField(field=name) if name in explicit.fields:
                kept.append(name)
            case SetCustomField(key=key) if key in explicit.custom_keys:
                kept.append(f"custom.{key}")
            case RemoveTags(tags=tags) if set(tags) & explicit.tags:
                kept.append("tags")
                removable = tuple(tag for tag in tags if tag not in explicit.tags)
                if removable:
                    actions.append(RemoveTags(removable))
            case _:
                actions.append(action)
    if not kept:
        return rule, ()
    return dataclasses.replace(rule, actions=tuple(actions)), tuple(dict.fromkeys(kept))


def _firings(
    result: RunResult, original: TicketFacts, kept: dict[int, tuple[str, ...]]
) -> tuple[Firing, ...]:
    firings = []
    before = original
    for fired in result.fired:
        changes = dict(fired.plan.changes)
        if "tags" in changes:
            after = frozenset(changes["tags"])
            changes["tags"] = {
                "added": sorted(after - before.tags),
                "removed": sorted(before.tags - after),
            }
        firings.append(
            Firing(
                rule_id=fired.rule_id,
                name=fired.name,
                explanation=fired.explanation,
                changes=changes,
                kept=kept.get(fired.rule_id, ()),
                stopped=fired.rule_id == result.stopped_by,
            )
        )
        before = apply_changes(before, fired.plan.changes)
    return tuple(firings)
