"""Rule conditions: the facts a rule may look at, and the JSON language admins write.

A condition is plain JSON-able data, saved by the admin pages and accepted by the API:

    {"all": [c, ...]}   every one holds (true when empty)
    {"any": [c, ...]}   at least one holds (false when empty)
    {"not": c}          c does not hold
    {"field": "subject", "op": "contains", "value": "refund"}      a leaf

Fields are the `TicketFacts` names, `custom.<key>`, `event.kind`, `event.actor_role`,
`event.changed` (the set of changed field names), `previous.<field>` (the value before the
event; the current value when the field did not change), `hours_since.<event kind>`,
`time_of_day` ("HH:MM") and `weekday` (0 is Monday); `sentiment` is the tone of the
message behind the event, -1 (angry) to +1 (happy). Each field has a kind, and the kind
decides which operators apply (`OPERATORS_BY_KIND`). Text comparisons ignore case, and so do
regular expressions (`(?-i:...)` makes part of one case-sensitive). A missing value (None, a
custom field the ticket does not have, an event that never happened) matches no positive
operator; every negative operator is exactly the negation of its positive twin, so
`not_equals` holds for a ticket without the value.

`parse_condition` checks everything up front, including the safety of regular expressions,
and raises `RuleError` with a JSON-path-like location. Promises (tested in
`tests/test_conditions.py`): `evaluate` never raises on a parsed condition, whatever the
facts; `parse_condition(serialize_condition(c)) == c`; `explain` agrees with `evaluate`.
"""

import dataclasses
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, Literal, get_args

from frontdesk.automation.errors import RuleError
from frontdesk.automation.patterns import compile_pattern

MAX_DEPTH = 8  # nested all/any/not groups
MAX_LEAVES = 100  # leaves in one condition
MAX_LIST_ITEMS = 100  # values of `in`, `includes_any`...
MAX_TEXT_VALUE = 1_000  # characters in one text value
MATCH_WINDOW = 10_000  # a regular expression sees only this many leading characters

# The fixed vocabularies, mirrored here because this module may not import Django; a test
# keeps them in step with `tickets.choices` and `accounts.choices`.
PRIORITY_RANKS: Mapping[str, int] = {"low": 1, "normal": 2, "high": 3, "urgent": 4}
PRIORITY_NAMES: Mapping[int, str] = {rank: name for name, rank in PRIORITY_RANKS.items()}
CHANNELS = ("email", "portal", "api", "web", "phone", "chat", "slack", "alert", "system")
TICKET_TYPES = ("incident", "service_request", "question", "problem", "task")
STATUS_CATEGORIES = ("new", "open", "pending", "on_hold", "solved", "closed")
ACTOR_ROLES = ("customer", "light_agent", "agent", "supervisor", "admin", "system")

EventKind = Literal[
    "created",
    "updated",
    "customer_replied",
    "agent_replied",
    "status_changed",
    "assigned",
    "sla_warning",
    "sla_breach",
    "time",
]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)
# `hours_since` looks back at things that happen to a ticket; "time" is only the clock ticking.
HISTORY_KINDS = tuple(kind for kind in EVENT_KINDS if kind != "time")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,64}")  # custom field keys are Django slugs
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


# --- facts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketFacts:
    """A ticket as rules see it, built by the caller from the row: plain values, no ORM.

    `body` is the text of the message behind the event (the first message on creation, the
    newest on a reply). `priority` is the rank 1-4 (conditions may name it). `team` and
    `category` are slugs. `tags` are normalised names. Datetimes are timezone-aware.
    """

    subject: str
    body: str
    channel: str
    mailbox: str | None
    type: str
    priority: int
    status: str
    status_category: str
    team: str | None
    assignee_id: int | None
    requester_email: str
    requester_domain: str
    organization: str | None
    organization_tier: str | None
    tags: frozenset[str]
    custom_fields: Mapping[str, Any]
    category: str | None
    created_at: datetime
    updated_at: datetime
    # The tone of `body` (VADER's compound score, -1 very negative .. +1 very positive), or
    # None when there is no message text; `frontdesk.ai.sentiment`, docs/ai.md.
    sentiment: float | None = None

    def __post_init__(self) -> None:
        if self.priority not in PRIORITY_NAMES:
            raise ValueError(f"priority must be a rank 1-4, not {self.priority!r}")
        _require_aware("created_at", self.created_at)
        _require_aware("updated_at", self.updated_at)


@dataclass(frozen=True)
class EventFacts:
    """What just happened to the ticket.

    `changed_fields` uses the condition field names (`status`, `priority`, `team`, `tags`,
    `custom.<key>`...); `previous` maps those of them that changed to their old values, in
    the `TicketFacts` representation. `since` is when each kind of event last happened to
    the ticket (for `hours_since.*`; `created` and `updated` fall back to the ticket's own
    timestamps). Every datetime is timezone-aware.
    """

    kind: EventKind
    actor_role: str
    occurred_at: datetime
    changed_fields: frozenset[str] = frozenset()
    previous: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    since: Mapping[str, datetime] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {self.kind!r}")
        if self.actor_role not in ACTOR_ROLES:
            raise ValueError(f"unknown actor role {self.actor_role!r}")
        _require_aware("occurred_at", self.occurred_at)
        for kind, moment in self.since.items():
            if kind not in HISTORY_KINDS:
                raise ValueError(f"since: unknown event kind {kind!r}")
            _require_aware(f"since[{kind}]", moment)


def _require_aware(name: str, moment: datetime) -> datetime:
    # Mixing naive and aware datetimes raises mid-evaluation; refuse them at the door instead.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment


# --- the parsed language ------------------------------------------------------------------


class Kind(StrEnum):
    """What a field holds, which decides the operators and values a leaf may use."""

    TEXT = "text"
    PRIORITY = "priority"
    ID = "id"
    SET = "set"
    MOMENT = "date-time"
    HOURS = "hours"
    CLOCK = "time of day"
    WEEKDAY = "weekday"
    VALUE = "custom value"


class _Missing(Enum):
    UNSET = "not set"


UNSET = _Missing.UNSET  # what a field reads as when it has no value

type _Reader = Callable[["_Context"], Any]


@dataclass(frozen=True)
class FieldSpec:
    """A resolved field name: its kind, how to read it, and what values it can hold."""

    name: str
    kind: Kind
    read: _Reader
    vocabulary: tuple[str, ...] = ()
    tracks_changes: bool = False  # changed / changed_to / changed_from apply


@dataclass(frozen=True)
class Leaf:
    """One test. `value` is kept as the admin wrote it (lists as tuples) for saving back;
    `operand` is its checked, normalised form (casefolded text, a priority rank, minutes
    since midnight, a compiled pattern...)."""

    field: str
    op: str
    value: Any = None
    spec: FieldSpec = dataclasses.field(compare=False, repr=False, kw_only=True)
    operand: Any = dataclasses.field(compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class AllOf:
    conditions: tuple["Condition", ...]


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple["Condition", ...]


@dataclass(frozen=True)
class Not:
    condition: "Condition"


type Condition = AllOf | AnyOf | Not | Leaf


# --- fields -------------------------------------------------------------------------------

_TICKET_FIELDS: Mapping[str, Kind] = {
    "subject": Kind.TEXT,
    "body": Kind.TEXT,
    "channel": Kind.TEXT,
    "mailbox": Kind.TEXT,
    "type": Kind.TEXT,
    "priority": Kind.PRIORITY,
    "status": Kind.TEXT,
    "status_category": Kind.TEXT,
    "team": Kind.TEXT,
    "assignee_id": Kind.ID,
    "requester_email": Kind.TEXT,
    "requester_domain": Kind.TEXT,
    "organization": Kind.TEXT,
    "organization_tier": Kind.TEXT,
    "tags": Kind.SET,
    "category": Kind.TEXT,
    "created_at": Kind.MOMENT,
    "updated_at": Kind.MOMENT,
    # A number compared with gt/gte/lt/lte, like hours (so it shares their operators).
    "sentiment": Kind.HOURS,
}
_VOCABULARIES: Mapping[str, tuple[str, ...]] = {
    "channel": CHANNELS,
    "type": TICKET_TYPES,
    "status_category": STATUS_CATEGORIES,
    "event.kind": EVENT_KINDS,
    "event.actor_role": ACTOR_ROLES,
}
# The timestamps change with every update, so "changed" would say nothing about them.
_UNTRACKED = frozenset({"created_at", "updated_at", "sentiment"})


@dataclass(frozen=True)
class _Context:
    ticket: TicketFacts
    event: EventFacts
    now: datetime


def resolve_field(name: str) -> FieldSpec | None:
    """The spec of a condition field name, or None when there is no such field."""
    if name in _TICKET_FIELDS:
        return _ticket_field(name)
    prefix, _, rest = name.partition(".")
    match prefix:
        case "custom" if _SLUG.fullmatch(rest):
            return FieldSpec(name, Kind.VALUE, _custom_reader(rest), tracks_changes=True)
        case "previous":
            return _previous_field(name, rest)
        case "hours_since" if rest in HISTORY_KINDS:
            return FieldSpec(name, Kind.HOURS, _hours_since_reader(rest))
        case "event":
            return _EVENT_FIELDS.get(name)
    return _CLOCK_FIELDS.get(name)


def _ticket_field(name: str) -> FieldSpec:
    kind = _TICKET_FIELDS[name]

    def read(context: _Context) -> Any:
        return _normalize(kind, getattr(context.ticket, name))

    tracks = name not in _UNTRACKED
    return FieldSpec(name, kind, read, _VOCABULARIES.get(name, ()), tracks_changes=tracks)


def _custom_reader(key: str) -> _Reader:
    return lambda context: _normalize(Kind.VALUE, context.ticket.custom_fields.get(key))


def _previous_field(name: str, target: str) -> FieldSpec | None:
    current = resolve_field(target)
    if current is None or not current.tracks_changes:
        return None

    def read(context: _Context) -> Any:
        return _previous_value(current, context)

    return FieldSpec(name, current.kind, read, current.vocabulary)


def _previous_value(spec: FieldSpec, context: _Context) -> Any:
    """The value before the event: the current one unless the field changed."""
    if spec.name not in context.event.changed_fields:
        return spec.read(context)
    return _normalize(spec.kind, context.event.previous.get(spec.name))


def _hours_since_reader(kind: str) -> _Reader:
    def read(context: _Context) -> Any:
        moment = context.event.since.get(kind) or _ticket_moment(context.ticket, kind)
        if moment is None:
            return UNSET
        return (context.now - moment).total_seconds() / 3600

    return read


def _ticket_moment(ticket: TicketFacts, kind: str) -> datetime | None:
    return {"created": ticket.created_at, "updated": ticket.updated_at}.get(kind)


_EVENT_FIELDS: Mapping[str, FieldSpec] = {
    "event.kind": FieldSpec("event.kind", Kind.TEXT, lambda c: c.event.kind, EVENT_KINDS),
    "event.actor_role": FieldSpec(
        "event.actor_role", Kind.TEXT, lambda c: c.event.actor_role, ACTOR_ROLES
    ),
    "event.changed": FieldSpec(
        "event.changed", Kind.SET, lambda c: frozenset(c.event.changed_fields)
    ),
}
_CLOCK_FIELDS: Mapping[str, FieldSpec] = {
    "time_of_day": FieldSpec("time_of_day", Kind.CLOCK, lambda c: c.now.hour * 60 + c.now.minute),
    "weekday": FieldSpec("weekday", Kind.WEEKDAY, lambda c: c.now.weekday()),
}


def _normalize(kind: Kind, value: Any) -> Any:
    """A fact in the form the operators compare: None is UNSET, sets are frozensets, and a
    priority given by name (as callers may store it in `previous`) becomes its rank."""
    if value is None:
        return UNSET
    if kind is Kind.PRIORITY and isinstance(value, str):
        return PRIORITY_RANKS.get(value.lower(), UNSET)
    if isinstance(value, list | tuple | set | frozenset):
        # Only scalars can be members; a custom field holding odd JSON must not raise.
        return frozenset(item for item in value if isinstance(item, str | int | float))
    return value


# --- operators ----------------------------------------------------------------------------

_EQUALITY = ("equals", "not_equals", "in", "not_in")
_SEARCH = ("contains", "not_contains", "starts_with", "ends_with", "matches")
_KEYWORDS = ("includes_any", "includes_all")
_ORDER = ("gt", "gte", "lt", "lte")
_PRESENCE = ("is_set", "is_not_set")
CHANGE_OPERATORS = ("changed", "changed_to", "changed_from")
OPERATORS_BY_KIND: Mapping[Kind, tuple[str, ...]] = {
    Kind.TEXT: _EQUALITY + _SEARCH + _KEYWORDS + _PRESENCE,
    Kind.PRIORITY: _EQUALITY + _ORDER,
    Kind.ID: _EQUALITY + _PRESENCE,
    Kind.SET: ("contains", "not_contains", *_KEYWORDS, *_PRESENCE),
    Kind.MOMENT: _ORDER + _PRESENCE,
    Kind.HOURS: _ORDER + _PRESENCE,
    Kind.CLOCK: ("equals", "not_equals", *_ORDER),
    Kind.WEEKDAY: _EQUALITY + _ORDER,
    Kind.VALUE: _EQUALITY + _SEARCH + _KEYWORDS + _ORDER + _PRESENCE,
}
ALL_OPERATORS = frozenset(CHANGE_OPERATORS).union(*OPERATORS_BY_KIND.values())
VALUELESS_OPERATORS = frozenset({"is_set", "is_not_set", "changed"})
# Each negative operator is defined as `not` its twin, so the two can never drift apart.
NEGATIONS: Mapping[str, str] = {
    "not_equals": "equals",
    "not_in": "in",
    "not_contains": "contains",
    "is_not_set": "is_set",
}


def operators_for(spec: FieldSpec) -> tuple[str, ...]:
    """The operators a leaf on this field may use."""
    extra = CHANGE_OPERATORS if spec.tracks_changes else ()
    return OPERATORS_BY_KIND[spec.kind] + extra


def _same(actual: Any, expected: Any) -> bool:
    """Equality across the JSON types: text ignores case, numbers compare as numbers, and
    true/false never equal 1/0. `expected` text is already casefolded."""
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.casefold() == expected
    if isinstance(actual, bool) or isinstance(expected, bool):
        return isinstance(actual, bool) and actual is expected
    return _is_number(actual) and _is_number(expected) and actual == expected


def _order(actual: Any, expected: Any) -> int | None:
    """-1, 0 or 1 comparing `actual` with `expected`, or None when they do not compare."""
    if isinstance(actual, str) and isinstance(expected, str):
        actual = actual.casefold()
    elif isinstance(actual, datetime) and isinstance(expected, datetime):
        pass
    elif not (_is_number(actual) and _is_number(expected)) or math.isnan(actual):
        return None
    return int(actual > expected) - int(actual < expected)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _contains(actual: Any, needle: str) -> bool:
    if isinstance(actual, str):
        return needle in actual.casefold()
    if isinstance(actual, frozenset):
        return any(isinstance(item, str) and item.casefold() == needle for item in actual)
    return False


def _is_set(actual: Any) -> bool:
    return actual is not UNSET and actual != "" and actual != frozenset()


def _text(actual: Any) -> str | None:
    return actual.casefold() if isinstance(actual, str) else None


def _compared(test: Callable[[int], bool]) -> Callable[[Any, Any], bool]:
    def compare(actual: Any, expected: Any) -> bool:
        result = _order(actual, expected)
        return result is not None and test(result)

    return compare


def _starts_with(actual: Any, prefix: str) -> bool:
    text = _text(actual)
    return text is not None and text.startswith(prefix)


def _ends_with(actual: Any, suffix: str) -> bool:
    text = _text(actual)
    return text is not None and text.endswith(suffix)


def _matches(actual: Any, pattern: re.Pattern[str]) -> bool:
    return isinstance(actual, str) and pattern.search(actual[:MATCH_WINDOW]) is not None


_POSITIVE_TESTS: Mapping[str, Callable[[Any, Any], bool]] = {
    "equals": _same,
    "in": lambda actual, options: any(_same(actual, option) for option in options),
    "contains": _contains,
    "starts_with": _starts_with,
    "ends_with": _ends_with,
    "matches": _matches,
    "includes_any": lambda actual, needles: any(_contains(actual, n) for n in needles),
    "includes_all": lambda actual, needles: all(_contains(actual, n) for n in needles),
    "gt": _compared(lambda result: result > 0),
    "gte": _compared(lambda result: result >= 0),
    "lt": _compared(lambda result: result < 0),
    "lte": _compared(lambda result: result <= 0),
    "is_set": lambda actual, _: _is_set(actual),
}


# --- parsing ------------------------------------------------------------------------------


def parse_condition(data: Any) -> Condition:
    """The condition described by JSON-able `data`, checked completely, or RuleError."""
    return _ConditionParser().parse(data, "", depth=0)


class _ConditionParser:
    """One parse: counts the leaves so a rule cannot grow past MAX_LEAVES."""

    def __init__(self) -> None:
        self.leaves = 0

    def parse(self, data: Any, path: str, *, depth: int) -> Condition:
        if not isinstance(data, Mapping):
            raise RuleError(path, "expected an object")
        groups = [key for key in ("all", "any", "not") if key in data]
        if not groups:
            return self.parse_leaf(data, path)
        key = groups[0]
        _reject_extra_keys(data, {key}, path)
        if depth + 1 > MAX_DEPTH:
            raise RuleError(path, f"nesting deeper than {MAX_DEPTH} levels")
        inner = _join(path, key)
        if key == "not":
            return Not(self.parse(data[key], inner, depth=depth + 1))
        children = data[key]
        if not isinstance(children, list):
            raise RuleError(inner, "expected a list of conditions")
        parsed = tuple(
            self.parse(child, f"{inner}[{i}]", depth=depth + 1) for i, child in enumerate(children)
        )
        return AllOf(parsed) if key == "all" else AnyOf(parsed)

    def parse_leaf(self, data: Mapping[str, Any], path: str) -> Leaf:
        if "field" not in data:
            raise RuleError(path, "expected 'all', 'any', 'not' or a 'field' with an 'op'")
        _reject_extra_keys(data, {"field", "op", "value"}, path)
        self.leaves += 1
        if self.leaves > MAX_LEAVES:
            raise RuleError(path, f"more than {MAX_LEAVES} conditions in one rule")
        spec = _parse_field(data["field"], _join(path, "field"))
        op = _parse_op(spec, data.get("op"), _join(path, "op"))
        value = data.get("value")
        operand = _parse_operand(spec, op, value, _join(path, "value"))
        return Leaf(spec.name, op, _freeze(value), spec=spec, operand=operand)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _reject_extra_keys(data: Mapping[str, Any], allowed: set[str], path: str) -> None:
    extra = sorted(str(key) for key in data if key not in allowed)
    if extra:
        raise RuleError(path, f"unexpected key {extra[0]!r}")


def _parse_field(name: Any, path: str) -> FieldSpec:
    if not isinstance(name, str):
        raise RuleError(path, "expected a field name")
    spec = resolve_field(name)
    if spec is None:
        raise RuleError(path, f"unknown field {name!r}")
    return spec


def _parse_op(spec: FieldSpec, op: Any, path: str) -> str:
    if not isinstance(op, str) or op not in ALL_OPERATORS:
        raise RuleError(path, f"unknown operator {op!r}")
    allowed = operators_for(spec)
    if op not in allowed:
        raise RuleError(
            path, f"{op!r} does not apply to {spec.name} ({spec.kind}); use {', '.join(allowed)}"
        )
    return op


def _freeze(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


# --- values -------------------------------------------------------------------------------


def _parse_operand(spec: FieldSpec, op: str, value: Any, path: str) -> Any:
    """The checked, normalised form of a leaf's value for `op` on `spec`."""
    if op in VALUELESS_OPERATORS:
        if value is not None:
            raise RuleError(path, f"{op} takes no value")
        return None
    if op in ("in", "not_in"):
        return tuple(_scalar(spec, item, f"{path}[{i}]") for i, item in _items(value, path))
    if op in _KEYWORDS:
        return tuple(_needle(spec, item, f"{path}[{i}]") for i, item in _items(value, path))
    if op in _ORDER:
        return _bound(spec, value, path)
    if op == "matches":
        return compile_pattern(value, path)
    if op in _SEARCH or spec.kind is Kind.SET:
        return _needle(spec, value, path)
    return _scalar(spec, value, path)  # equals, not_equals, changed_to, changed_from


def _items(value: Any, path: str) -> Iterator[tuple[int, Any]]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_LIST_ITEMS:
        raise RuleError(path, f"expected a list of 1-{MAX_LIST_ITEMS} values")
    return enumerate(value)


def _needle(spec: FieldSpec, value: Any, path: str) -> str:
    """Non-empty text to search for, casefolded; in `event.changed`, a field name."""
    text = _text_value(value, path)
    if spec.name == "event.changed" and not _is_tracked_field(value):
        raise RuleError(path, f"unknown field {value!r}")
    return text


def _is_tracked_field(name: str) -> bool:
    spec = resolve_field(name)
    return spec is not None and spec.tracks_changes


def _text_value(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise RuleError(path, "expected non-empty text")
    if len(value) > MAX_TEXT_VALUE:
        raise RuleError(path, f"text longer than {MAX_TEXT_VALUE} characters")
    return value.casefold()


def _scalar(spec: FieldSpec, value: Any, path: str) -> Any:
    """One value to compare a field with for equality."""
    match spec.kind:
        case Kind.TEXT | Kind.SET:
            return _vocabulary_text(spec, value, path)
        case Kind.PRIORITY:
            return _priority(value, path)
        case Kind.ID:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise RuleError(path, "expected an id (a positive integer)")
            return value
        case Kind.CLOCK:
            return _minutes(value, path)
        case Kind.WEEKDAY:
            return _weekday(value, path)
        case _:
            return _custom_value(value, path)


def _vocabulary_text(spec: FieldSpec, value: Any, path: str) -> str:
    text = _text_value(value, path)
    if spec.vocabulary and text not in spec.vocabulary:
        choices = ", ".join(spec.vocabulary)
        raise RuleError(path, f"unknown {spec.name} {value!r}; use one of {choices}")
    return text


def _priority(value: Any, path: str) -> int:
    if isinstance(value, str) and value.lower() in PRIORITY_RANKS:
        return PRIORITY_RANKS[value.lower()]
    if _is_number(value) and value in PRIORITY_NAMES:
        return int(value)
    raise RuleError(path, "expected a priority: low, normal, high, urgent or 1-4")


def _minutes(value: Any, path: str) -> int:
    found = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        raise RuleError(path, "expected a time HH:MM (00:00-23:59)")
    return int(found[1]) * 60 + int(found[2])


def _weekday(value: Any, path: str) -> int:
    if not _is_number(value) or value not in range(7):
        raise RuleError(path, "expected a weekday 0-6 (0 is Monday)")
    return int(value)


def _number(value: Any, path: str) -> float:
    if not _is_number(value) or not math.isfinite(value):
        raise RuleError(path, "expected a number")
    return float(value)


def _custom_value(value: Any, path: str) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _text_value(value, path)
    if _is_number(value) and math.isfinite(value):
        return value
    raise RuleError(path, "expected text, a number, true or false")


def _bound(spec: FieldSpec, value: Any, path: str) -> Any:
    """The value a gt/gte/lt/lte leaf compares with."""
    match spec.kind:
        case Kind.PRIORITY:
            return _priority(value, path)
        case Kind.CLOCK:
            return _minutes(value, path)
        case Kind.WEEKDAY:
            return _weekday(value, path)
        case Kind.MOMENT:
            return _moment(value, path)
        case Kind.VALUE if isinstance(value, str):
            return _text_value(value, path)  # ISO dates ("2026-01-31") order as text
        case _:
            return _number(value, path)


def _moment(value: Any, path: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise RuleError(path, "expected a date-time with a time zone, like 2026-01-31T09:00Z")
    return moment


# --- evaluation ---------------------------------------------------------------------------


def evaluate(
    condition: Condition, ticket: TicketFacts, event: EventFacts, *, now: datetime
) -> bool:
    """Whether the condition holds. `now` is timezone-aware and in the desk's time zone: it is
    the instant `hours_since.*` counts to, and its wall clock gives `time_of_day` and
    `weekday`. Never raises on a parsed condition."""
    return _holds(condition, _Context(ticket, event, _require_aware("now", now)))


def _holds(condition: Condition, context: _Context) -> bool:
    match condition:
        case AllOf(conditions):
            return all(_holds(child, context) for child in conditions)
        case AnyOf(conditions):
            return any(_holds(child, context) for child in conditions)
        case Not(inner):
            return not _holds(inner, context)
        case Leaf():
            return _leaf_holds(condition, context)


def _leaf_holds(leaf: Leaf, context: _Context) -> bool:
    if leaf.op in CHANGE_OPERATORS:
        return _change_holds(leaf, context)
    positive = NEGATIONS.get(leaf.op)
    if positive is not None:
        return not _POSITIVE_TESTS[positive](leaf.spec.read(context), leaf.operand)
    return _POSITIVE_TESTS[leaf.op](leaf.spec.read(context), leaf.operand)


def _change_holds(leaf: Leaf, context: _Context) -> bool:
    """changed: the event changed the field. changed_to / changed_from: it changed, and the
    new / old value is the one given; on tags, the tag was added / removed."""
    if leaf.spec.name not in context.event.changed_fields:
        return False
    if leaf.op == "changed":
        return True
    after, before = leaf.spec.read(context), _previous_value(leaf.spec, context)
    if leaf.op == "changed_from":
        after, before = before, after
    if leaf.spec.kind is Kind.SET:
        return _contains(after, leaf.operand) and not _contains(before, leaf.operand)
    return _same(after, leaf.operand)


# --- explanations -------------------------------------------------------------------------


def explain(
    condition: Condition, ticket: TicketFacts, event: EventFacts, *, now: datetime
) -> list[str]:
    """One line per leaf, in order, saying whether it matched and what the fact was, e.g.
    `all[1] priority gte "high": no (priority is normal)`. Recorded on the ticket with every
    automatic decision so an agent can see why a rule fired."""
    context = _Context(ticket, event, _require_aware("now", now))
    return [_explain_leaf(path, leaf, context) for path, leaf in _leaves(condition, "")]


def _leaves(condition: Condition, path: str) -> Iterator[tuple[str, Leaf]]:
    match condition:
        case AllOf(children) | AnyOf(children):
            key = "all" if isinstance(condition, AllOf) else "any"
            for i, child in enumerate(children):
                yield from _leaves(child, f"{_join(path, key)}[{i}]")
        case Not(inner):
            yield from _leaves(inner, _join(path, "not"))
        case Leaf():
            yield path, condition


def _explain_leaf(path: str, leaf: Leaf, context: _Context) -> str:
    test = f"{leaf.field} {leaf.op}"
    if leaf.op not in VALUELESS_OPERATORS:
        test += f" {json.dumps(_thaw(leaf.value), ensure_ascii=False)}"
    verdict = "yes" if _leaf_holds(leaf, context) else "no"
    where = f"{path} " if path else ""
    return f"{where}{test}: {verdict} ({_describe_fact(leaf, context)})"


def _describe_fact(leaf: Leaf, context: _Context) -> str:
    spec = leaf.spec
    if leaf.op in CHANGE_OPERATORS:
        if spec.name not in context.event.changed_fields:
            return f"{spec.name} did not change"
        before = _show(spec.kind, _previous_value(spec, context))
        return f"{spec.name} changed from {before} to {_show(spec.kind, spec.read(context))}"
    return f"{spec.name} is {_show(spec.kind, spec.read(context))}"


def _show(kind: Kind, value: Any) -> str:
    """A fact in words, short enough for an audit line."""
    if value is UNSET:
        return "not set"
    if kind is Kind.PRIORITY:
        return PRIORITY_NAMES.get(value, str(value))
    if kind is Kind.CLOCK:
        return f"{value // 60:02d}:{value % 60:02d}"
    if kind is Kind.WEEKDAY:
        return f"{value} ({WEEKDAYS[value]})"
    if kind is Kind.HOURS:
        return f"{value:.1f}"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, frozenset):
        value = sorted(str(item) for item in value)
    elif isinstance(value, str) and len(value) > 80:
        value = value[:79] + "…"
    return json.dumps(value, ensure_ascii=False, default=str)


# --- saving -------------------------------------------------------------------------------


def serialize_condition(condition: Condition) -> dict[str, Any]:
    """The JSON-able form of a condition; `parse_condition` reads it back unchanged."""
    match condition:
        case AllOf(children):
            return {"all": [serialize_condition(child) for child in children]}
        case AnyOf(children):
            return {"any": [serialize_condition(child) for child in children]}
        case Not(inner):
            return {"not": serialize_condition(inner)}
        case Leaf(field=name, op=op, value=value):
            data: dict[str, Any] = {"field": name, "op": op}
            if op not in VALUELESS_OPERATORS:
                data["value"] = _thaw(value)
            return data


def _thaw(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
