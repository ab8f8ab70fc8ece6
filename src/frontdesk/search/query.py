"""The search query language, parsed without the database (docs/search.md).

    printer "paper jam" status:open,pending priority>=high -tag:spam updated<7d #1042

`parse` turns the text of the one search box into a `Query`: free-text terms (words,
`"exact phrases"`, `prefix*`, each negatable with `-`) and filters (`name:value[,value]`,
`name>=value`...). It knows the fixed vocabulary (fields, priorities, types, channels, date
forms) and leaves what needs the database (status names, teams, people, custom fields) to
`search.queries`. It never raises anything but `QueryError`, which carries the position
(0-based character offset) the user should look at.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

MAX_LENGTH = 500
MAX_PARTS = 32
MAX_VALUES = 20

# name -> the operators it takes. Unknown names are custom fields (`:` only), resolved later.
FIELDS: dict[str, frozenset[str]] = {
    "status": frozenset({":"}),
    "priority": frozenset({":", ">", ">=", "<", "<="}),
    "assignee": frozenset({":"}),
    "team": frozenset({":"}),
    "tag": frozenset({":"}),
    "requester": frozenset({":"}),
    "org": frozenset({":"}),
    "created": frozenset({":", ">", ">=", "<", "<="}),
    "updated": frozenset({":", ">", ">=", "<", "<="}),
    "type": frozenset({":"}),
    "channel": frozenset({":"}),
    "has": frozenset({":"}),
}
ALIASES = {"organization": "org", "organisation": "org", "tags": "tag", "is": "status"}
PRIORITIES = {"low": 1, "normal": 2, "high": 3, "urgent": 4}
TYPES = frozenset({"incident", "service_request", "question", "problem", "task"})
CHANNELS = frozenset({"email", "portal", "api", "web", "phone", "chat", "slack", "alert", "system"})
HAS = frozenset({"attachment"})
SINGLE_VALUE = frozenset({"created", "updated", "has"})

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATOR = re.compile(r">=|<=|:|>|<")
_NUMBER = re.compile(r"#(\d{1,18})")
_RELATIVE = re.compile(r"(\d{1,5})([hdwmy])")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_MONTH_DAYS = {"m": 30, "y": 365}


class QueryError(Exception):
    """A query the user must fix: `message` says what, `position` where (0-based)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Term:
    """Free text: a word, an exact phrase (`phrase`) or a word prefix (`prefix`, `print*`)."""

    text: str
    position: int
    phrase: bool = False
    prefix: bool = False
    negated: bool = False

    @property
    def is_fragment(self) -> bool:
        """Looks like part of an address, a number or a code (`ann@exa`, `AT-1042`): also
        matched as a substring of the short fields (number, subject, names, addresses)."""
        return not self.phrase and bool(re.search(r"[@.\-_/+\d]", self.text))


@dataclass(frozen=True)
class Filter:
    name: str  # a FIELDS key, "number", or a custom field's name
    op: str  # ":", ">", ">=", "<", "<="
    values: tuple[str, ...]
    position: int
    negated: bool = False
    custom: bool = False


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...] = ()
    filters: tuple[Filter, ...] = ()

    @property
    def positive_terms(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.negated)

    @property
    def negative_terms(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.negated)

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.filters


def parse(text: str) -> Query:
    if len(text) > MAX_LENGTH:
        raise QueryError(f"A query is at most {MAX_LENGTH} characters long.", MAX_LENGTH)
    if "\x00" in text:
        raise QueryError("The query contains a NUL character.", text.index("\x00"))
    terms: list[Term] = []
    filters: list[Filter] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        if len(terms) + len(filters) >= MAX_PARTS:
            raise QueryError(f"A query has at most {MAX_PARTS} words and filters.", i)
        start = i
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated, i = True, i + 1
        if text[i] == '"':
            phrase, i = _quoted(text, i)
            if _has_word(phrase):
                terms.append(Term(phrase.strip(), start, phrase=True, negated=negated))
            continue
        name = _NAME.match(text, i)
        operator = _OPERATOR.match(text, name.end()) if name else None
        if name and operator:
            value_at = operator.end()
            values, i = _values(text, value_at)
            filters.append(
                _filter(name.group(), operator.group(), values, start, value_at, negated=negated)
            )
            continue
        word, i = _bare(text, i)
        number = _NUMBER.fullmatch(word)
        if number:
            filters.append(Filter("number", ":", (number.group(1),), start, negated))
        elif _has_word(word):
            terms.append(_word(word, start, negated=negated))
    return Query(tuple(terms), tuple(filters))


def _quoted(text: str, i: int) -> tuple[str, int]:
    """The text between the quote at `i` and the next one; the index after it."""
    end = text.find('"', i + 1)
    if end < 0:
        raise QueryError("This quote is never closed.", i)
    return text[i + 1 : end], end + 1


def _has_word(text: str) -> bool:
    """Punctuation alone (`-`, `...`) searches for nothing, so it is dropped."""
    return any(c.isalnum() for c in text)


def _bare(text: str, i: int) -> tuple[str, int]:
    j = i
    while j < len(text) and not text[j].isspace() and text[j] != '"':
        j += 1
    return text[i:j], j


def _values(text: str, i: int) -> tuple[list[tuple[str, int]], int]:
    """A comma-separated list of bare or quoted values starting at `i`."""
    values: list[tuple[str, int]] = []
    while True:
        at = i
        if i < len(text) and text[i] == '"':
            value, i = _quoted(text, i)
        else:
            j = i
            while j < len(text) and not text[j].isspace() and text[j] not in ',"':
                j += 1
            value, i = text[i:j], j
        if not value.strip():
            raise QueryError("A value is missing here.", at)
        values.append((value.strip(), at))
        if len(values) > MAX_VALUES:
            raise QueryError(f"A filter takes at most {MAX_VALUES} values.", at)
        if i < len(text) and text[i] == ",":
            i += 1
            continue
        return values, i


def _word(word: str, position: int, *, negated: bool) -> Term:
    prefix = word.endswith("*")
    core = word.rstrip("*")
    if "*" in core:
        raise QueryError("`*` goes at the end of a word (print*).", position + word.index("*"))
    if not core:
        raise QueryError("`*` needs a word before it.", position)
    return Term(core, position, prefix=prefix, negated=negated)


def _filter(
    raw_name: str,
    op: str,
    values: list[tuple[str, int]],
    position: int,
    value_at: int,
    *,
    negated: bool,
) -> Filter:
    name = ALIASES.get(raw_name.lower(), raw_name.lower())
    custom = name not in FIELDS
    allowed = frozenset({":"}) if custom else FIELDS[name]
    if op not in allowed:
        ops = ", ".join(sorted(allowed))
        raise QueryError(f"`{raw_name}` takes {ops}, not {op}.", value_at - len(op))
    if (op != ":" or name in SINGLE_VALUE) and len(values) > 1:
        raise QueryError(f"`{raw_name}{op}` takes one value.", values[1][1])
    checked = tuple(_check(name, op, value, at) for value, at in values)
    return Filter(name, op, checked, position, negated, custom)


def _check(name: str, op: str, value: str, at: int) -> str:
    """Validate what can be validated without the database; return the canonical value."""
    lowered = value.lower()
    if name == "priority":
        if lowered not in PRIORITIES:
            raise QueryError(f"Unknown priority `{value}` (low, normal, high, urgent).", at)
        return lowered
    if name == "type":
        lowered = lowered.replace(" ", "_").replace("-", "_")
        if lowered not in TYPES:
            raise QueryError(f"Unknown type `{value}` ({', '.join(sorted(TYPES))}).", at)
        return lowered
    if name == "channel":
        if lowered not in CHANNELS:
            raise QueryError(f"Unknown channel `{value}` ({', '.join(sorted(CHANNELS))}).", at)
        return lowered
    if name == "has":
        if lowered not in HAS:
            raise QueryError(f"`has:` knows {', '.join(sorted(HAS))}.", at)
        return lowered
    if name in ("created", "updated"):
        if not (_RELATIVE.fullmatch(lowered) or _valid_date(lowered)):
            raise QueryError(
                f"`{value}` is not a date: write 2026-01-31, or an age such as 12h, 7d, 2w, "
                "3m, 1y.",
                at,
            )
        return lowered
    if name == "status":
        return lowered.replace("-", "_")
    return value


def _valid_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class TimeRange:
    """A half-open range [start, end) on a timestamp; either side may be open."""

    start: datetime | None = None
    end: datetime | None = None


def time_range(op: str, value: str, now: datetime) -> TimeRange:
    """What `created>2026-01-01` or `updated<7d` means, as a range of instants.

    A date is a whole UTC day: `>` is after that day, `>=` from its start, `<` before it,
    `<=` up to its end, `:` within it. An age counts back from `now`: `updated<7d` is
    "less than 7 days ago", `updated>7d` "more than 7 days ago", `updated:7d` within them.
    """
    relative = _RELATIVE.fullmatch(value)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2)
        span = (
            _UNITS[unit] * amount if unit in _UNITS else timedelta(days=_MONTH_DAYS[unit] * amount)
        )
        try:
            moment = now - span
        except OverflowError:
            moment = datetime.min.replace(tzinfo=UTC)
        if op in (">", ">="):
            return TimeRange(end=moment)
        return TimeRange(start=moment)
    day = date.fromisoformat(value)
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    try:
        end: datetime | None = start + timedelta(days=1)
    except OverflowError:
        end = None
    return {
        ">": TimeRange(start=end) if end else TimeRange(start=start, end=start),
        ">=": TimeRange(start=start),
        "<": TimeRange(end=start),
        "<=": TimeRange(end=end),
        ":": TimeRange(start=start, end=end),
    }[op]
