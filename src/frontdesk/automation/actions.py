"""Rule actions: what a fired rule does, planned without doing any of it.

Actions are JSON-able data like conditions, a list of `{"type": ..., ...}`:

    set_field          field: team | category | priority | type | status | assignee; value
    add_tags           tags: [...]          remove_tags     tags: [...]
    set_custom_field   key, value (null clears)
    add_follower       user_id              assign          strategy, agent_id (strategy agent)
    add_note           text                 send_email      to, template
    webhook            webhook_id           apply_macro     macro_id

`plan_actions` turns actions and a ticket's facts into a `Plan`: the field changes, shaped
like `tickets.actions.update_ticket`'s `changes` (except that `team` is a slug), and the side
effects as typed records for the caller to carry out. Promises (tests/test_actions.py):

- planning performs nothing: no database, no clock, no mail;
- `changes` holds only fields whose value differs from the ticket's, so actions that change
  nothing plan no changes, and planning again after `apply_changes` plans none (idempotent);
- identical side effects appear once, and there is at most one assignment by strategy: the
  last one, made after the field changes, unless a later action assigns an agent directly.
"""

import dataclasses
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from frontdesk.automation.conditions import (
    PRIORITY_NAMES,
    PRIORITY_RANKS,
    TICKET_TYPES,
    TicketFacts,
)
from frontdesk.automation.errors import RuleError

MAX_ACTIONS = 50
MAX_TAGS = 50  # as `tickets.actions.resolve.MAX_TAGS`
MAX_NOTE = 10_000
MAX_TEMPLATE_NAME = 200
SETTABLE_FIELDS = ("team", "category", "priority", "type", "status", "assignee")
ASSIGN_STRATEGIES = ("round_robin", "load_balanced", "skills", "agent")
RECIPIENTS = ("requester", "assignee", "team", "followers", "supervisors")

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")
_CUSTOM_KEY = re.compile(r"[-a-zA-Z0-9_]{1,64}")
# One plain address; no spaces, commas or brackets, so it cannot smuggle in more recipients
# or headers.
_ADDRESS = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\]+")


# --- actions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetField:
    field: str  # one of SETTABLE_FIELDS
    value: Any  # a slug, a priority name, a type, an agent id, or None to clear


@dataclass(frozen=True)
class AddTags:
    tags: tuple[str, ...]  # normalised, sorted, unique


@dataclass(frozen=True)
class RemoveTags:
    tags: tuple[str, ...]


@dataclass(frozen=True)
class SetCustomField:
    key: str
    value: Any  # text, a number, true/false, or None to clear


@dataclass(frozen=True)
class AddFollower:
    user_id: int


@dataclass(frozen=True)
class Assign:
    strategy: str  # one of ASSIGN_STRATEGIES
    agent_id: int | None = None  # only with the "agent" strategy


@dataclass(frozen=True)
class AddNote:
    text: str


@dataclass(frozen=True)
class SendEmail:
    to: str  # one of RECIPIENTS or an address
    template: str  # the name of an email template, resolved by the notifier


@dataclass(frozen=True)
class CallWebhook:
    webhook_id: int


@dataclass(frozen=True)
class ApplyMacro:
    macro_id: int


type Action = (
    SetField
    | AddTags
    | RemoveTags
    | SetCustomField
    | AddFollower
    | Assign
    | AddNote
    | SendEmail
    | CallWebhook
    | ApplyMacro
)


# --- side effects -------------------------------------------------------------------------


@dataclass(frozen=True)
class NotifyEffect:
    to: str
    template: str


@dataclass(frozen=True)
class NoteEffect:
    text: str


@dataclass(frozen=True)
class WebhookEffect:
    webhook_id: int


@dataclass(frozen=True)
class MacroEffect:
    macro_id: int


@dataclass(frozen=True)
class FollowerEffect:
    user_id: int


@dataclass(frozen=True)
class AssignEffect:
    """Assign by the team's engine (`routing.assignment`) within `team`, after the changes."""

    strategy: str
    team: str | None


type Effect = (
    NotifyEffect | NoteEffect | WebhookEffect | MacroEffect | FollowerEffect | AssignEffect
)


@dataclass(frozen=True)
class Plan:
    """What the actions would do. `changes` keys: status (slug), priority (name), type,
    category (slug or None), team (slug or None), assignee_id, tags (the final set, sorted),
    custom_fields (only the keys that change; None clears one)."""

    changes: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    effects: tuple[Effect, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.effects


# --- parsing ------------------------------------------------------------------------------


def parse_actions(data: Any) -> tuple[Action, ...]:
    """The actions described by JSON-able `data`, checked completely, or RuleError with a
    path such as `[2].value`."""
    if not isinstance(data, list):
        raise RuleError("", "expected a list of actions")
    if len(data) > MAX_ACTIONS:
        raise RuleError("", f"more than {MAX_ACTIONS} actions in one rule")
    return tuple(_parse_action(item, f"[{i}]") for i, item in enumerate(data))


def _parse_action(data: Any, path: str) -> Action:
    if not isinstance(data, Mapping):
        raise RuleError(path, "expected an object")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in _PARSERS:
        raise RuleError(f"{path}.type", f"unknown action {kind!r}; use one of {_TYPE_LIST}")
    keys, parse = _PARSERS[kind]
    extra = sorted(str(key) for key in data if key != "type" and key not in keys)
    if extra:
        raise RuleError(path, f"unexpected key {extra[0]!r}")
    return parse(_Fields(data, path))


@dataclass(frozen=True)
class _Fields:
    """An action's keys, each read with the path to blame when it is wrong."""

    data: Mapping[str, Any]
    path: str

    def get(self, key: str) -> tuple[Any, str]:
        return self.data.get(key), f"{self.path}.{key}"

    def require(self, key: str, what: str) -> tuple[Any, str]:
        if key not in self.data:
            raise RuleError(f"{self.path}.{key}", f"expected {what}")
        return self.get(key)


def _parse_set_field(fields: _Fields) -> SetField:
    name, name_path = fields.get("field")
    if name not in SETTABLE_FIELDS:
        choices = ", ".join(SETTABLE_FIELDS)
        raise RuleError(name_path, f"unknown field {name!r}; use one of {choices}")
    value, path = fields.require("value", "a value (null clears the field)")
    return SetField(name, _FIELD_VALUES[name](value, path))


def _slug_or_none(value: Any, path: str) -> str | None:
    if value is None:
        return None
    return _slug(value, path, "a slug or null")


def _slug(value: Any, path: str, what: str = "a slug") -> str:
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise RuleError(path, f"expected {what}")
    return value


def _priority_name(value: Any, path: str) -> str:
    if isinstance(value, str) and value.lower() in PRIORITY_RANKS:
        return value.lower()
    if isinstance(value, int) and not isinstance(value, bool) and value in PRIORITY_NAMES:
        return PRIORITY_NAMES[value]
    raise RuleError(path, "expected a priority: low, normal, high, urgent or 1-4")


def _ticket_type(value: Any, path: str) -> str:
    if value not in TICKET_TYPES:
        raise RuleError(path, f"unknown type {value!r}; use one of {', '.join(TICKET_TYPES)}")
    return str(value)


def _id(value: Any, path: str, what: str = "an id (a positive integer)") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RuleError(path, f"expected {what}")
    return value


def _agent_or_none(value: Any, path: str) -> int | None:
    return None if value is None else _id(value, path, "an agent id or null")


_FIELD_VALUES: Mapping[str, Callable[[Any, str], Any]] = {
    "team": _slug_or_none,
    "category": _slug_or_none,
    "priority": _priority_name,
    "type": _ticket_type,
    "status": lambda value, path: _slug(value, path, "a status slug"),
    "assignee": _agent_or_none,
}


def _parse_tags(fields: _Fields) -> tuple[str, ...]:
    value, path = fields.get("tags")
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_TAGS:
        raise RuleError(path, f"expected a list of 1-{MAX_TAGS} tags")
    return tuple(sorted({_tag(tag, f"{path}[{i}]") for i, tag in enumerate(value)}))


def _tag(value: Any, path: str) -> str:
    """A tag as `tickets.actions.resolve.normalize_tag` stores it: lower case, no spaces."""
    tag = "".join(value.split()).lower() if isinstance(value, str) else ""
    if not 1 <= len(tag) <= 64:
        raise RuleError(path, "expected a tag of 1-64 characters")
    return tag


def _parse_custom_field(fields: _Fields) -> SetCustomField:
    key, key_path = fields.get("key")
    if not isinstance(key, str) or not _CUSTOM_KEY.fullmatch(key):
        raise RuleError(key_path, "expected a custom field key")
    value, path = fields.require("value", "a value (null clears the field)")
    if isinstance(value, float) and not math.isfinite(value):
        raise RuleError(path, "expected a finite number")
    if isinstance(value, str) and len(value) > MAX_NOTE:
        raise RuleError(path, f"text longer than {MAX_NOTE} characters")
    if value is not None and not isinstance(value, str | int | float):  # bool is an int
        raise RuleError(path, "expected text, a number, true, false or null")
    return SetCustomField(key, value)


def _parse_assign(fields: _Fields) -> Assign:
    strategy, path = fields.get("strategy")
    if strategy not in ASSIGN_STRATEGIES:
        choices = ", ".join(ASSIGN_STRATEGIES)
        raise RuleError(path, f"unknown strategy {strategy!r}; use one of {choices}")
    agent_id, agent_path = fields.get("agent_id")
    if strategy != "agent":
        if agent_id is not None:
            raise RuleError(agent_path, "only the 'agent' strategy takes an agent_id")
        return Assign(str(strategy))
    return Assign("agent", _id(agent_id, agent_path, "an agent id"))


def _text(value: Any, path: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleError(path, "expected non-empty text")
    if len(value) > limit:
        raise RuleError(path, f"text longer than {limit} characters")
    return value


def _parse_send_email(fields: _Fields) -> SendEmail:
    to, path = fields.get("to")
    if not isinstance(to, str) or not (to in RECIPIENTS or _ADDRESS.fullmatch(to)):
        raise RuleError(path, f"expected {', '.join(RECIPIENTS)} or an email address")
    template, template_path = fields.get("template")
    return SendEmail(to, _text(template, template_path, MAX_TEMPLATE_NAME))


def _id_action[T](key: str, build: Callable[[int], T]) -> Callable[[_Fields], T]:
    return lambda fields: build(_id(*fields.get(key)))


_PARSERS: Mapping[str, tuple[frozenset[str], Callable[[_Fields], Action]]] = {
    "set_field": (frozenset({"field", "value"}), _parse_set_field),
    "add_tags": (frozenset({"tags"}), lambda fields: AddTags(_parse_tags(fields))),
    "remove_tags": (frozenset({"tags"}), lambda fields: RemoveTags(_parse_tags(fields))),
    "set_custom_field": (frozenset({"key", "value"}), _parse_custom_field),
    "add_follower": (frozenset({"user_id"}), _id_action("user_id", AddFollower)),
    "assign": (frozenset({"strategy", "agent_id"}), _parse_assign),
    "add_note": (
        frozenset({"text"}),
        lambda fields: AddNote(_text(*fields.get("text"), MAX_NOTE)),
    ),
    "send_email": (frozenset({"to", "template"}), _parse_send_email),
    "webhook": (frozenset({"webhook_id"}), _id_action("webhook_id", CallWebhook)),
    "apply_macro": (frozenset({"macro_id"}), _id_action("macro_id", ApplyMacro)),
}
_TYPE_LIST = ", ".join(_PARSERS)
_TYPE_NAMES: Mapping[type, str] = {
    SetField: "set_field",
    AddTags: "add_tags",
    RemoveTags: "remove_tags",
    SetCustomField: "set_custom_field",
    AddFollower: "add_follower",
    Assign: "assign",
    AddNote: "add_note",
    SendEmail: "send_email",
    CallWebhook: "webhook",
    ApplyMacro: "apply_macro",
}


def serialize_actions(actions: Iterable[Action]) -> list[dict[str, Any]]:
    """The JSON-able form of actions; `parse_actions` reads it back unchanged."""
    return [_serialize_action(action) for action in actions]


def _serialize_action(action: Action) -> dict[str, Any]:
    data: dict[str, Any] = {"type": _TYPE_NAMES[type(action)]}
    for key, value in dataclasses.asdict(action).items():
        if not (isinstance(action, Assign) and key == "agent_id" and value is None):
            data[key] = list(value) if isinstance(value, tuple) else value
    return data


# --- planning -----------------------------------------------------------------------------


def plan_actions(actions: Iterable[Action], ticket: TicketFacts) -> Plan:
    """The changes and side effects of `actions`, applied in order to `ticket`."""
    after, effects, strategy = ticket, list[Effect](), None
    for action in actions:
        after, effect = _perform(action, after)
        strategy = _pending_strategy(action, strategy)
        if effect is not None:
            effects.append(effect)
    if strategy is not None:
        effects.append(AssignEffect(strategy, after.team))
    return Plan(diff_facts(ticket, after), unique_effects(effects))


def _pending_strategy(action: Action, pending: str | None) -> str | None:
    """The assignment by strategy still to make after `action`: a later one replaces it,
    and assigning an agent directly cancels it (the last assignment wins)."""
    if isinstance(action, Assign):
        return None if action.strategy == "agent" else action.strategy
    if isinstance(action, SetField) and action.field == "assignee":
        return None
    return pending


def _perform(action: Action, ticket: TicketFacts) -> tuple[TicketFacts, Effect | None]:
    """The ticket after one action, and the side effect it asks for."""
    match action:
        case SetField(field=name, value=value):
            return _set_field(ticket, name, value), None
        case AddTags(tags=tags):
            return dataclasses.replace(ticket, tags=ticket.tags | set(tags)), None
        case RemoveTags(tags=tags):
            return dataclasses.replace(ticket, tags=ticket.tags - set(tags)), None
        case SetCustomField(key=key, value=value):
            custom = _merge_custom(ticket.custom_fields, {key: value})
            return dataclasses.replace(ticket, custom_fields=custom), None
        case Assign(strategy="agent", agent_id=agent_id):
            return dataclasses.replace(ticket, assignee_id=agent_id), None
        case Assign():
            return ticket, None  # by strategy: an effect once the plan is complete
    return ticket, _effect_of(action)


def _effect_of(action: Action) -> Effect | None:
    match action:
        case AddFollower(user_id=user_id):
            return FollowerEffect(user_id)
        case AddNote(text=text):
            return NoteEffect(text)
        case SendEmail(to=to, template=template):
            return NotifyEffect(to, template)
        case CallWebhook(webhook_id=webhook_id):
            return WebhookEffect(webhook_id)
        case ApplyMacro(macro_id=macro_id):
            return MacroEffect(macro_id)
    return None


def _set_field(ticket: TicketFacts, name: str, value: Any) -> TicketFacts:
    if name == "priority":
        return dataclasses.replace(ticket, priority=PRIORITY_RANKS[value])
    if name == "assignee":
        return dataclasses.replace(ticket, assignee_id=value)
    return dataclasses.replace(ticket, **{name: value})


def _merge_custom(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`current` with `changes`; None removes a key, as `tickets.fields.merge_values` does."""
    merged = dict(current)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def unique_effects(effects: Iterable[Effect]) -> tuple[Effect, ...]:
    """Effects in first-seen order without repeats: two rules sending the same template to
    the requester send one email."""
    return tuple(dict.fromkeys(effects))


# --- changes ------------------------------------------------------------------------------

_PLAIN_CHANGES = ("status", "type", "category", "team", "assignee_id")
CHANGE_KEYS = frozenset({*_PLAIN_CHANGES, "priority", "tags", "custom_fields"})


def diff_facts(before: TicketFacts, after: TicketFacts) -> dict[str, Any]:
    """The changes that turn `before` into `after`, in the shape of `Plan.changes`."""
    changes: dict[str, Any] = {
        name: getattr(after, name)
        for name in _PLAIN_CHANGES
        if not _same(getattr(before, name), getattr(after, name))
    }
    if after.priority != before.priority:
        changes["priority"] = PRIORITY_NAMES[after.priority]
    if after.tags != before.tags:
        changes["tags"] = sorted(after.tags)
    custom = _custom_diff(before.custom_fields, after.custom_fields)
    if custom:
        changes["custom_fields"] = custom
    return changes


def _custom_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    keys = sorted(set(before) | set(after))
    return {key: after.get(key) for key in keys if not _same(before.get(key), after.get(key))}


def _same(first: Any, second: Any) -> bool:
    # Strict: a custom checkbox going from 1 to true is a change, though 1 == True.
    return type(first) is type(second) and first == second


def apply_changes(
    ticket: TicketFacts,
    changes: Mapping[str, Any],
    *,
    status_categories: Mapping[str, str] | None = None,
) -> TicketFacts:
    """`ticket` with a plan's changes made. A new status takes its category from
    `status_categories` (slug -> category); a slug missing there leaves the category
    unknown (""), so no rule mistakes it for the old one."""
    unknown = set(changes) - CHANGE_KEYS
    if unknown:
        raise ValueError(f"unknown change keys {sorted(unknown)}")
    updates = {name: changes[name] for name in _PLAIN_CHANGES if name in changes}
    if "status" in changes:
        updates["status_category"] = (status_categories or {}).get(changes["status"], "")
    if "priority" in changes:
        updates["priority"] = PRIORITY_RANKS[changes["priority"]]
    if "tags" in changes:
        updates["tags"] = frozenset(changes["tags"])
    if "custom_fields" in changes:
        updates["custom_fields"] = _merge_custom(ticket.custom_fields, changes["custom_fields"])
    return dataclasses.replace(ticket, **updates)
