"""The query language parser: a table of inputs and what they mean, and errors with their
positions; Hypothesis checks that any text either parses or raises QueryError."""

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.search.query import Filter, QueryError, Term, parse, time_range

F = Filter
T = Term

CASES = [
    ("", [], []),
    ("printer", [T("printer", 0)], []),
    ("printer  jam", [T("printer", 0), T("jam", 9)], []),
    ('"paper jam"', [T("paper jam", 0, phrase=True)], []),
    ('-"paper jam"', [T("paper jam", 0, phrase=True, negated=True)], []),
    ("-spam", [T("spam", 0, negated=True)], []),
    ("print*", [T("print", 0, prefix=True)], []),
    ("- x", [T("x", 2)], []),
    ("status:open", [], [F("status", ":", ("open",), 0)]),
    ("status:pending,on_hold", [], [F("status", ":", ("pending", "on_hold"), 0)]),
    ("is:Open", [], [F("status", ":", ("open",), 0)]),
    ("priority>=high", [], [F("priority", ">=", ("high",), 0)]),
    ("priority:LOW,urgent", [], [F("priority", ":", ("low", "urgent"), 0)]),
    ("assignee:me", [], [F("assignee", ":", ("me",), 0)]),
    ("assignee:none", [], [F("assignee", ":", ("none",), 0)]),
    ("team:billing", [], [F("team", ":", ("billing",), 0)]),
    ('team:"second line"', [], [F("team", ":", ("second line",), 0)]),
    ("tag:vip -tag:spam", [], [F("tag", ":", ("vip",), 0), F("tag", ":", ("spam",), 8, True)]),
    ("requester:ann@example.com", [], [F("requester", ":", ("ann@example.com",), 0)]),
    ("org:acme", [], [F("org", ":", ("acme",), 0)]),
    ("organization:acme", [], [F("org", ":", ("acme",), 0)]),
    ("created>2026-01-01", [], [F("created", ">", ("2026-01-01",), 0)]),
    ("updated<7d", [], [F("updated", "<", ("7d",), 0)]),
    ("type:incident", [], [F("type", ":", ("incident",), 0)]),
    ("type:service-request", [], [F("type", ":", ("service_request",), 0)]),
    ("channel:email", [], [F("channel", ":", ("email",), 0)]),
    ("has:attachment", [], [F("has", ":", ("attachment",), 0)]),
    ("#1042", [], [F("number", ":", ("1042",), 0)]),
    ("-#1042", [], [F("number", ":", ("1042",), 0, True)]),
    ("#abc", [T("#abc", 0)], []),
    ("order_ref:X-1", [], [F("order_ref", ":", ("X-1",), 0, custom=True)]),
    (
        'refund status:open "card declined" -tag:spam',
        [T("refund", 0), T("card declined", 19, phrase=True)],
        [F("status", ":", ("open",), 7), F("tag", ":", ("spam",), 35, True)],
    ),
    ("ann@example.com", [T("ann@example.com", 0)], []),
    ("...", [], []),
    ('""', [], []),
]


@pytest.mark.parametrize(("text", "terms", "filters"), CASES)
def test_parse(text: str, terms: list[Term], filters: list[Filter]) -> None:
    query = parse(text)
    assert list(query.terms) == terms
    assert list(query.filters) == filters


ERRORS = [
    ('"unclosed', 0, "never closed"),
    ('printer "unclosed', 8, "never closed"),
    ("status:", 7, "missing"),
    ("status:open,", 12, "missing"),
    ("priority:extreme", 9, "Unknown priority"),
    ("priority>=high,urgent", 15, "one value"),
    ("status>open", 6, "takes :"),
    ("created>yesterday", 8, "not a date"),
    ("created>2026-02-30", 8, "not a date"),
    ("type:bug", 5, "Unknown type"),
    ("channel:pigeon", 8, "Unknown channel"),
    ("has:wings", 4, "has:"),
    ("pr*nt", 2, "at the end"),
    ("x" * 501, 500, "at most"),
    ("a\x00b", 1, "NUL"),
    (" ".join(["w"] * 40), 64, "at most 32"),
]


@pytest.mark.parametrize(("text", "position", "message"), ERRORS)
def test_errors_carry_a_position(text: str, position: int, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert caught.value.position == position
    assert message in caught.value.message


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab :,<>=-"#*@.0123456789 statuprioyd_'), max_size=60))
def test_any_text_parses_or_raises_query_error(text: str) -> None:
    try:
        parse(text)
    except QueryError as exc:
        position = exc.position
        assert 0 <= position <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_unicode_parses_or_raises_query_error(text: str) -> None:
    try:
        query = parse(text)
    except QueryError as exc:
        assert 0 <= exc.position <= len(text)  # noqa: PT017 - any text, so no pytest.raises
    else:
        for item in query.filters:
            if item.name in ("created", "updated"):
                time_range(item.op, item.values[0], datetime(2026, 1, 1, tzinfo=UTC))


NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
DAY = datetime(2026, 1, 1, tzinfo=UTC)
NEXT = datetime(2026, 1, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("op", "value", "start", "end"),
    [
        (">", "2026-01-01", NEXT, None),
        (">=", "2026-01-01", DAY, None),
        ("<", "2026-01-01", None, DAY),
        ("<=", "2026-01-01", None, NEXT),
        (":", "2026-01-01", DAY, NEXT),
        ("<", "7d", datetime(2026, 3, 3, 12, tzinfo=UTC), None),
        (">", "12h", None, datetime(2026, 3, 10, tzinfo=UTC)),
        (":", "2w", datetime(2026, 2, 24, 12, tzinfo=UTC), None),
    ],
)
def test_time_ranges(op: str, value: str, start: datetime | None, end: datetime | None) -> None:
    span = time_range(op, value, NOW)
    assert (span.start, span.end) == (start, end)


def test_huge_ages_and_last_day_do_not_overflow() -> None:
    assert time_range("<", "99999y", NOW).start is not None
    assert time_range(">", "9999-12-31", NOW).start is not None
