"""Saved views' filters: parsing (table-driven) and the tickets each filter selects.

The selection tests run on SQLite and PostgreSQL alike (FRONTDESK_TEST_DATABASE_URL), the
custom-field ones in particular: JSON comparisons must agree on both.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from conftest import Desk

from frontdesk.core import clock
from frontdesk.core.errors import Invalid
from frontdesk.tickets import actions
from frontdesk.tickets.actions.catalog import create_category, create_custom_field
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.events import Origin
from frontdesk.tickets.fields import FieldSpec
from frontdesk.tickets.forms import LIST_SORTS
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.view_filters import (
    COLUMNS,
    SORTS,
    ViewFilters,
    filters_to_q,
    parse_columns,
    parse_filters,
    parse_sort,
    parse_stored_filters,
)

KNOWN = ("plan", "seats", "vip", "renewal", "contains", "7")
SPECS = {
    "plan": FieldSpec("plan", "choice", ("free", "pro")),
    "seats": FieldSpec("seats", "number"),
    "vip": FieldSpec("vip", "checkbox"),
    "renewal": FieldSpec("renewal", "date"),
}

# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({}, ViewFilters()),
        ({"status_category": ["new", "open"]}, ViewFilters(status_category=("new", "open"))),
        ({"status_category": []}, ViewFilters()),
        ({"status": ["waiting-on-vendor"]}, ViewFilters(status=("waiting-on-vendor",))),
        ({"priority": ["urgent", "high", "urgent"]}, ViewFilters(priority=("urgent", "high"))),
        (
            {"type": ["incident"], "channel": ["email"]},
            ViewFilters(type=("incident",), channel=("email",)),
        ),
        ({"team_id": 3}, ViewFilters(team_id=3)),
        ({"assignee": "me"}, ViewFilters(assignee="me")),
        ({"assignee": "none"}, ViewFilters(assignee="none")),
        ({"assignee": 42}, ViewFilters(assignee=42)),
        ({"tag": ["VIP", "vip", "Billing"]}, ViewFilters(tag=("vip", "billing"))),
        ({"exclude_tag": ["spam"]}, ViewFilters(exclude_tag=("spam",))),
        ({"category": "hardware"}, ViewFilters(category="hardware")),
        (
            {"custom": {"seats": 5, "plan": "pro"}},
            ViewFilters(custom=(("plan", "pro"), ("seats", 5))),
        ),
        ({"custom": {"vip": True}}, ViewFilters(custom=(("vip", True),))),
        ({"custom": {"contains": "x"}}, ViewFilters(custom=(("contains", "x"),))),
        ({"created_within_days": 7}, ViewFilters(created_within_days=7)),
    ],
    ids=lambda v: str(v)[:40],
)
def test_parse_filters_accepts(raw: dict[str, Any], expected: ViewFilters) -> None:
    parsed = parse_filters(raw, known_fields=KNOWN)
    assert parsed == expected
    assert parse_filters(parsed.as_json(), known_fields=KNOWN) == parsed  # a stable round trip


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("status=open", "must be an object"),
        ({"stauts": ["open"]}, "Unknown filters: stauts"),
        ({"status_category": "open"}, "status_category: expected a list of strings"),
        ({"status_category": ["opened"]}, "status_category: unknown 'opened'"),
        ({"status": ["not a slug"]}, "is not a slug"),
        ({"priority": ["critical"]}, "priority: unknown 'critical'"),
        ({"priority": [4]}, "expected a list of strings"),
        ({"type": ["bug"]}, "type: unknown 'bug'"),
        ({"channel": ["fax"]}, "channel: unknown 'fax'"),
        ({"status": ["open"] * 51}, "at most 50 values"),
        ({"team_id": "3"}, "team_id: expected a whole number"),
        ({"team_id": True}, "team_id: expected a whole number"),
        ({"team_id": 0}, "team_id: expected a whole number"),
        ({"assignee": "someone"}, 'expected "me", "none" or a user id'),
        ({"assignee": "12"}, 'expected "me", "none" or a user id'),
        ({"assignee": -1}, "assignee: expected a whole number"),
        ({"tag": ["two words"]}, "is not a tag"),
        ({"tag": [""]}, "is not a tag"),
        ({"tag": ["x" * 65]}, "is not a tag"),
        ({"tag": ["vip"], "exclude_tag": ["VIP"]}, "both required and excluded: vip"),
        ({"category": ["hardware"]}, "category: expected a slug"),
        ({"custom": ["plan"]}, "custom: expected an object"),
        ({"custom": {"colour": "red"}}, "unknown custom field 'colour'"),
        ({"custom": {"plan": None}}, "plan: expected text, a number, true or false"),
        ({"custom": {"plan": ["pro"]}}, "plan: expected text, a number, true or false"),
        ({"custom": {"seats": float("nan")}}, "seats: expected a finite number"),
        ({"custom": {"7": "x"}}, "its key is a number"),
        ({"created_within_days": 0}, "created_within_days: expected a whole number from 1"),
        ({"created_within_days": 3651}, "from 1 to 3650"),
        ({"created_within_days": 1.5}, "created_within_days: expected a whole number"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_parse_filters_refuses(raw: Any, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_filters(raw, known_fields=KNOWN)
    assert caught.value.code == "invalid_filter"
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("custom", "stored", "message"),
    [
        ({"vip": True}, True, None),
        ({"vip": 1}, None, "vip: expected true or false"),
        ({"seats": True}, None, "seats: expected a number"),
        ({"plan": "enterprise"}, None, "plan: expected one of"),
        ({"renewal": "2027-01-31"}, "2027-01-31", None),
        ({"renewal": "31/01/2027"}, None, "expected a date"),
    ],
)
def test_parse_filters_checks_values_against_field_types(
    custom: dict[str, Any], stored: Any, message: str | None
) -> None:
    if message is None:
        parsed = parse_filters({"custom": custom}, known_fields=SPECS)
        assert dict(parsed.custom) == {next(iter(custom)): stored}
    else:
        with pytest.raises(Invalid, match=message):
            parse_filters({"custom": custom}, known_fields=SPECS)


def test_stored_filters_keep_custom_fields_deactivated_since() -> None:
    stored = {"custom": {"legacy": "x"}, "priority": ["high"]}
    assert parse_stored_filters(stored).custom == (("legacy", "x"),)
    with pytest.raises(Invalid):
        parse_stored_filters({"nonsense": 1})


def test_columns_and_sorts() -> None:
    assert parse_columns(["updated", "subject", "number", "subject"]) == (
        "number",
        "subject",
        "updated",
    )
    for bad in ([], "subject", ["subject", "sla"]):
        with pytest.raises(Invalid) as caught:
            parse_columns(bad)
        assert caught.value.code == "invalid_columns"
    assert parse_sort("-priority") == "-priority"
    with pytest.raises(Invalid) as caught:
        parse_sort("subject")
    assert caught.value.code == "invalid_sort"
    assert set(SORTS) == set(LIST_SORTS)  # the saved-view sorts are the list's sorts
    assert len(COLUMNS) == 13


# --- what each filter selects (SQLite and PostgreSQL) ---------------------------------------


def selected(desk: Desk, raw: dict[str, Any], user: Any = None) -> set[str]:
    filters = parse_filters(raw, known_fields=("plan", "seats", "vip", "contains", "note"))
    q = filters_to_q(filters, user or desk.alice)
    return set(Ticket.objects.filter(q).values_list("subject", flat=True))


def move(desk: Desk, ticket: Ticket, **changes: Any) -> None:
    actions.update_ticket(
        actor=desk.carol,
        origin=Origin(),
        number=ticket.number,
        changes=changes,
        expected_version=None,
    )


@pytest.fixture
def tickets(desk: Desk, make_ticket: Callable[..., Ticket]) -> dict[str, Ticket]:
    create_category(actor=None, name="Hardware")
    create_category(actor=None, name="Invoices")
    create_custom_field(
        actor=None, key="plan", label="Plan", field_type="choice", choices=["free", "pro"]
    )
    create_custom_field(actor=None, key="seats", label="Seats", field_type="number")
    create_custom_field(actor=None, key="vip", label="VIP", field_type="checkbox")
    create_custom_field(actor=None, key="contains", label="Contains", field_type="text")
    create_custom_field(actor=None, key="note", label="Note", field_type="text")
    old = clock.now() - timedelta(days=30)
    made = {
        "a": make_ticket(
            subject="a",
            priority="urgent",
            type="incident",
            tags=["vip", "billing"],
            category="hardware",
            assignee_id=desk.alice.pk,
            custom_fields={"plan": "pro", "seats": 5, "vip": True, "contains": "x", "note": "1"},
        ),
        "b": make_ticket(
            subject="b",
            priority="high",
            tags=["vip"],
            category="invoices",
            team=desk.billing,
            custom_fields={"plan": "free", "seats": 1, "vip": False, "note": "5"},
            now=old,
        ),
        "c": make_ticket(
            subject="c", tags=["spam"], assignee_id=desk.sam.pk, custom_fields={"seats": 5.0}
        ),
        "d": create_ticket_by_phone(desk),
    }
    move(desk, made["b"], status="pending")
    move(desk, made["c"], status="solved")
    return made


def create_ticket_by_phone(desk: Desk) -> Ticket:
    return actions.create_ticket(
        actor=desk.carol,
        origin=Origin(channel=Channel.PHONE),
        subject="d",
        body="Called in.",
        requester_email=desk.gil.email,
        custom_fields={"vip": True},
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({}, "abcd"),
        ({"status_category": ["new", "open"]}, "ad"),
        ({"status_category": ["pending", "solved"]}, "bc"),
        ({"status": ["pending"]}, "b"),
        ({"priority": ["urgent", "high"]}, "ab"),
        ({"type": ["incident"]}, "a"),
        ({"channel": ["phone"]}, "d"),
        ({"assignee": "none"}, "bd"),
        ({"tag": ["vip"]}, "ab"),
        ({"tag": ["vip", "billing"]}, "a"),  # all of them
        ({"tag": ["vip", "nope"]}, ""),
        ({"exclude_tag": ["vip"]}, "cd"),
        ({"exclude_tag": ["billing", "spam"]}, "bd"),
        ({"category": "invoices"}, "b"),
        ({"custom": {"plan": "pro"}}, "a"),
        ({"custom": {"seats": 5}}, "ac"),  # 5 == 5.0 on both databases
        ({"custom": {"seats": 1}}, "b"),
        ({"custom": {"vip": True}}, "ad"),
        ({"custom": {"vip": False}}, "b"),
        ({"custom": {"note": "1"}}, "a"),  # text "1" is not the number 1
        ({"custom": {"note": 1}}, ""),
        ({"custom": {"contains": "x"}}, "a"),  # a key named like a JSON lookup
        ({"custom": {"plan": "pro", "vip": True}}, "a"),
        ({"created_within_days": 7}, "acd"),
        ({"priority": ["urgent", "high"], "status_category": ["pending"]}, "b"),
    ],
    ids=lambda v: str(v)[:50],
)
def test_each_filter_selects_exactly_its_tickets(
    desk: Desk, tickets: dict[str, Ticket], raw: dict[str, Any], expected: str
) -> None:
    assert "".join(sorted(selected(desk, raw))) == expected


def test_team_and_assignee_filters(desk: Desk, tickets: dict[str, Ticket]) -> None:
    assert selected(desk, {"team_id": desk.billing.pk}) == {"b"}
    assert selected(desk, {"team_id": desk.support.pk}) == {"a", "c"}
    assert selected(desk, {"assignee": desk.sam.pk}) == {"c"}
    # "me" is whoever looks at the view
    assert selected(desk, {"assignee": "me"}, desk.alice) == {"a"}
    assert selected(desk, {"assignee": "me"}, desk.sam) == {"c"}
    assert selected(desk, {"assignee": "me"}, desk.dave) == set()
