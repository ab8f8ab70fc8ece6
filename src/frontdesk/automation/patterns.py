"""Safe regular expressions for rule conditions (the `matches` operator).

Split from conditions.py: everything about refusing patterns that could backtrack for
seconds on hostile text lives here, behind `compile_pattern`.
"""

import importlib
import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from frontdesk.automation.errors import RuleError

MAX_PATTERN_LENGTH = 200  # characters in one regular expression


# --- regular expressions ------------------------------------------------------------------
#
# Python's `re` backtracks, so a pattern can take exponential time (nested quantifiers) or a
# high polynomial (several quantifiers racing over the same characters: `.*.*=.*` took 112 s
# on 10,000 characters). An admin's typo must not stall every worker, so `compile_pattern`
# accepts only patterns that pass three conservative structural checks on the tree from the
# stdlib's own parser:
#
# 1. No nested quantifiers: inside a group repeated more than once (`*`, `+`, `{2,}`, `{3}`),
#    nothing may repeat a variable number of times (`(a+)+`, `(a*)*`, `(\w+\s?)*`, `(.*a){3}`).
#    Possessive quantifiers and atomic groups inside are allowed, as they never give
#    characters back: `(?:,\d++)*` and `(?>\w+)*` pass where `(?:,\d+)*` does not.
# 2. Inside a repeated group, alternatives must start with different characters and never
#    match nothing (`(cat|dog)+` passes; `(a|a)*`, `(a|ab)*` and `(\w|\d\d)+` do not).
# 3. A quantifier *races* when it can give characters back (not possessive), something
#    must match after it, and that can start with one of its characters (`a.*b`: `.`
#    matches `b`); anchors, lookarounds and backreferences after it count as overlapping.
#    At most one quantifier may race, and after it no quantifier that can repeat more than
#    16 times may be followed by anything (`.*\d+x`). Each racing quantifier multiplies the
#    work by the length of the text and so does a long scan after one; with the single
#    racing quantifier allowed, the worst case stays quadratic in the 10,000-character
#    window (a second or two on hostile text) where two would make it cubic.
#
# False positives (safe patterns rejected) are the price: `(\d+,)*\d+`,
# `\d{1,3}(?:\.\d{1,3}){3}` (write the four parts out), `(foo|bar|baz)+`
# (two alternatives start with b), `a.*b.*c`, `a?.*b`, `(?=.*a)(?=.*b)`, `(?>.*a).*b` and
# `\s*\S+\s*$`. Each can be rewritten (possessive quantifiers, fewer wildcards, or two
# conditions under `all`).

_parser: Any = importlib.import_module("re._parser")  # private, hence used only to refuse
_PATTERN_FLAGS = re.IGNORECASE
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})
_SHORT = 16  # a repetition bounded by this costs a constant factor, not the text's length
# Characters tried when asking whether two character sets overlap, besides every character
# the two sets name themselves: ASCII, Latin-1 and one letter, digit and space of other
# scripts (category escapes such as \w and \d cover those).
_PROBES = string.printable + "".join(map(chr, range(0xA0, 0x100))) + "ΩЖא中٣\u2028\u3000"


class _UnsafePatternError(Exception):
    pass


def compile_pattern(value: Any, path: str) -> re.Pattern[str]:
    """The compiled, case-insensitive pattern, or RuleError if it is invalid or unsafe."""
    if not isinstance(value, str) or not value:
        raise RuleError(path, "expected a regular expression")
    if len(value) > MAX_PATTERN_LENGTH:
        raise RuleError(path, f"regular expression longer than {MAX_PATTERN_LENGTH} characters")
    try:
        pattern = re.compile(value, _PATTERN_FLAGS)
        _check_pattern_safety(value)
    except re.error as exc:
        raise RuleError(path, f"invalid regular expression: {exc}") from None
    except _UnsafePatternError as exc:
        raise RuleError(path, f"unsafe regular expression: {exc}") from None
    return pattern


def _check_pattern_safety(pattern: str) -> None:
    """Raise _UnsafePatternError unless the pattern passes the three checks above."""
    tree = list(_parser.parse(pattern, _PATTERN_FLAGS))
    _check_loops(tree, in_loop=False)
    _check_racing(tree)


def _name(op: Any) -> str:
    return str(op.name)


def _check_loops(items: Sequence[Any], *, in_loop: bool) -> None:
    """Checks 1 and 2: no variable quantifier or ambiguous alternation in a repeated group."""
    for op, av in items:
        name = _name(op)
        if name in _REPEATS:
            low, high, body = av
            if in_loop and low != high and name != "POSSESSIVE_REPEAT":
                raise _UnsafePatternError("nested quantifiers, as in (a+)+, can take forever")
            _check_loops(body, in_loop=in_loop or high > 1)
        elif name in ("BRANCH", "GROUPREF_EXISTS"):
            alternatives = av[1] if name == "BRANCH" else [av[1], av[2] or []]
            if in_loop:
                _require_distinct_starts(alternatives)
            for alternative in alternatives:
                _check_loops(alternative, in_loop=in_loop)
        else:
            # What an atomic group matched is never backtracked into, so a loop around one
            # cannot retry it in other ways.
            for body in _bodies(name, av):
                _check_loops(body, in_loop=in_loop and name != "ATOMIC_GROUP")


def _bodies(name: str, av: Any) -> list[Any]:
    """The sub-patterns inside a group-like node (not repeats or branches)."""
    if name == "SUBPATTERN":
        return [av[3]]
    if name == "ATOMIC_GROUP":
        return [av]
    if name in ("ASSERT", "ASSERT_NOT"):
        return [av[1]]
    if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN", "AT", "GROUPREF"):
        return []
    raise _UnsafePatternError(f"the safety check does not know {name}")  # fail closed


def _require_distinct_starts(alternatives: Sequence[Any]) -> None:
    starts = [_starts_of(alternative, _NOTHING) for alternative in alternatives]
    empty = any(_is_nullable(alternative) for alternative in alternatives)
    for i, first in enumerate(starts):
        if empty or first.unknown or any(_overlap(first, s) for s in starts[i + 1 :]):
            raise _UnsafePatternError(
                "alternatives in a repeated group must start differently, unlike (a|ab)*"
            )


@dataclass(frozen=True)
class _Starts:
    """What a piece of pattern may start with: character sets (each a list of the parser's
    set items), `unknown` when we cannot tell, and `can_end` when it may match nothing and
    reach the end of the pattern (or of a lookaround)."""

    sets: tuple[tuple[Any, ...], ...] = ()
    unknown: bool = False
    can_end: bool = False

    def __or__(self, other: "_Starts") -> "_Starts":
        return _Starts(
            self.sets + other.sets, self.unknown or other.unknown, self.can_end or other.can_end
        )


_NOTHING = _Starts()
_END = _Starts(can_end=True)
_UNKNOWN = _Starts(unknown=True)


def _starts_of(items: Sequence[Any], follow: _Starts) -> _Starts:
    """The starts of `items` followed by something that starts with `follow`."""
    starts = _NOTHING
    for op, av in items:
        first, nullable = _item_starts(_name(op), av)
        starts |= first
        if not nullable:
            return starts
    return starts | follow


def _item_starts(name: str, av: Any) -> tuple[_Starts, bool]:
    """The starts of one node, and whether it can match nothing."""
    if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
        return _Starts(sets=(_as_set(name, av),)), False
    if name in _REPEATS:
        low, _high, body = av
        first = _starts_of(body, _NOTHING)
        return first, low == 0 or _is_nullable(body)
    if name == "BRANCH":
        alternatives = av[1]
        first = _NOTHING
        for alternative in alternatives:
            first |= _starts_of(alternative, _NOTHING)
        return first, any(_is_nullable(alternative) for alternative in alternatives)
    if name in ("SUBPATTERN", "ATOMIC_GROUP"):
        body = _bodies(name, av)[0]
        return _starts_of(body, _NOTHING), _is_nullable(body)
    return _UNKNOWN, False  # anchors, lookarounds, backreferences, conditionals


def _is_nullable(items: Sequence[Any]) -> bool:
    return all(_item_starts(_name(op), av)[1] for op, av in items)


def _as_set(name: str, av: Any) -> tuple[Any, ...]:
    if name == "IN":
        return tuple((_name(op), value) for op, value in av)
    if name == "NOT_LITERAL":
        return (("NEGATE", None), ("LITERAL", av))
    return ((name, av),)  # LITERAL or ANY


@dataclass(frozen=True)
class _Quantifier:
    """One variable repetition, as check 3 sees it."""

    racing: bool  # gives characters back into what must follow, which can start with them
    scans_on: bool  # may repeat more than _SHORT times, and something must match after it


def _check_racing(tree: Sequence[Any]) -> None:
    """Check 3: one racing quantifier at most, and no long open-ended one after it."""
    raced = False
    for quantifier in _quantifiers(tree, _END):
        if raced and (quantifier.racing or quantifier.scans_on):
            raise _UnsafePatternError(
                "quantifiers that backtrack into each other, as in a.*b.*c or .*\\d+x, "
                "can take far too long"
            )
        raced = raced or quantifier.racing


def _quantifiers(items: Sequence[Any], follow: _Starts) -> Iterator[_Quantifier]:
    """The variable repetitions in `items`, in the order the matcher meets them."""
    for i, (op, av) in enumerate(items):
        yield from _quantifiers_in(_name(op), av, _starts_of(items[i + 1 :], follow))


def _quantifiers_in(name: str, av: Any, after: _Starts) -> Iterator[_Quantifier]:
    if name in _REPEATS:
        low, high, body = av
        if low != high:
            gives_back = name != "POSSESSIVE_REPEAT" and not after.can_end
            yield _Quantifier(
                racing=gives_back and _overlap(_starts_of(body, _NOTHING), after),
                scans_on=high > _SHORT and not after.can_end,
            )
        # After a loop's body comes the body again or what follows (check 1 leaves only
        # possessive quantifiers inside loops).
        yield from _quantifiers(body, _starts_of(body, after) | after if high > 1 else after)
    elif name == "BRANCH":
        for alternative in av[1]:
            yield from _quantifiers(alternative, after)
    elif name == "GROUPREF_EXISTS":
        for branch in av[1:]:
            yield from _quantifiers(branch or [], after)
    elif name in ("ASSERT", "ASSERT_NOT", "ATOMIC_GROUP"):
        # Matched once on their own and never backtracked into: their end is an end.
        yield from _quantifiers(_bodies(name, av)[0], _END)
    else:
        for body in _bodies(name, av):
            yield from _quantifiers(body, after)


def _overlap(first: _Starts, second: _Starts) -> bool:
    """Whether some character (in any case) can start both; unknown overlaps everything."""
    if first.unknown or second.unknown:
        return True
    probes = set(_PROBES) | _named_chars(first) | _named_chars(second)
    return any(
        _starts_with_char(first, char) and _starts_with_char(second, char) for char in probes
    )


def _named_chars(starts: _Starts) -> set[str]:
    named: set[str] = set()
    for char_set in starts.sets:
        for name, value in char_set:
            if name == "LITERAL":
                named.add(chr(value))
            elif name.startswith("RANGE"):
                named.update((chr(value[0]), chr(value[1])))
    return named


def _starts_with_char(starts: _Starts, char: str) -> bool:
    # Patterns are case-insensitive; "ß".upper() is "SS", which no single character matches.
    variants = {v for v in (char, char.lower(), char.upper()) if len(v) == 1}
    return any(_in_set(char_set, v) for char_set in starts.sets for v in variants)


def _in_set(char_set: Iterable[tuple[str, Any]], char: str) -> bool:
    negated, hit = False, False
    for name, value in char_set:
        if name == "NEGATE":
            negated = True
        elif name == "LITERAL":
            hit = hit or char == chr(value)
        elif name.startswith("RANGE"):
            hit = hit or value[0] <= ord(char) <= value[1]
        elif name == "CATEGORY":
            hit = hit or _in_category(_name(value), char)
        else:
            hit = True  # ANY, or something we cannot judge: assume it matches
    return hit != negated


_CATEGORIES: Mapping[str, Callable[[str], bool]] = {
    "DIGIT": str.isdecimal,
    "SPACE": str.isspace,
    "WORD": lambda char: char.isalnum() or char == "_",
    "LINEBREAK": lambda char: char == "\n",
}


def _in_category(name: str, char: str) -> bool:
    base = name.removeprefix("CATEGORY_").removeprefix("UNI_").removeprefix("LOC_")
    negated = base.startswith("NOT_")
    test = _CATEGORIES.get(base.removeprefix("NOT_"))
    if test is None:
        return True
    return test(char) != negated
