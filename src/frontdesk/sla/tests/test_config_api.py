"""The SLA settings API: calendars, holidays and policies through their endpoints, the
action's error codes coming back as 4xx JSON, and who may read and write."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from frontdesk.sla.models import BusinessCalendar, CalendarHoliday, SlaPolicy

API = "/api/v1/sla"
OFFICE_HOURS = {str(day): [["09:00", "17:00"]] for day in range(5)}


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    if body is None:
        return client.generic(method, url)
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


@pytest.fixture
def admin(desk: Any, as_user: Callable[..., Client]) -> Client:
    return as_user(desk.carol)


@pytest.fixture
def calendar(admin: Client) -> dict[str, Any]:
    body = {"name": "Berlin office", "time_zone": "Europe/Berlin", "weekly": OFFICE_HOURS}
    response = send(admin, "POST", f"{API}/calendars", body)
    assert response.status_code == 201, response.content
    created: dict[str, Any] = response.json()
    return created


def policy_body(calendar_id: int, **changes: Any) -> dict[str, Any]:
    return {
        "name": "Standard",
        "calendar_id": calendar_id,
        "targets": [
            {"priority": "high", "metric": "first_response", "minutes": 30},
            {"priority": "normal", "metric": "resolution", "minutes": 480, "business_hours": False},
        ],
        "escalations": [{"on": "breach", "do": "notify_assignee", "metrics": ["first_response"]}],
        **changes,
    }


# --- calendars ----------------------------------------------------------------------------


def test_calendar_crud(admin: Client, calendar: dict[str, Any]) -> None:
    url = f"{API}/calendars/{calendar['id']}"
    assert calendar["weekly"]["0"] == [["09:00", "17:00"]]
    assert calendar["holidays"] == []

    night_shift = {"6": [["22:00", "06:00"]]}
    changed = send(admin, "PUT", url, {"name": "Night", "time_zone": "UTC", "weekly": night_shift})
    assert changed.status_code == 200, changed.content
    assert changed.json()["weekly"] == night_shift
    assert [c["name"] for c in send(admin, "GET", f"{API}/calendars").json()] == ["Night"]

    assert send(admin, "DELETE", url).status_code == 204
    assert send(admin, "GET", url).status_code == 404
    assert not BusinessCalendar.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"time_zone": "Mars/Olympus"}, "unknown_time_zone"),
        ({"weekly": {"0": [["09:00", "25:00"]]}}, "validation_error"),
        ({"name": "   "}, "invalid_name"),
        ({"weekly": {"7": [["09:00", "17:00"]]}}, "validation_error"),  # weekdays are 0-6
        ({"weekly": {"0": [["09:00"]]}}, "validation_error"),
        ({"colour": "blue"}, "validation_error"),  # unknown fields are refused
    ],
)
def test_calendar_validation_errors(admin: Client, change: dict[str, Any], code: str) -> None:
    body = {"name": "Office", "time_zone": "UTC", "weekly": OFFICE_HOURS, **change}
    assert_error(send(admin, "POST", f"{API}/calendars", body), 422, code)
    assert not BusinessCalendar.objects.exists()


def test_calendar_names_are_unique(admin: Client, calendar: dict[str, Any]) -> None:
    body = {"name": "Berlin office", "time_zone": "UTC", "weekly": {}}
    assert_error(send(admin, "POST", f"{API}/calendars", body), 422, "duplicate_name")


def test_a_calendar_in_use_cannot_be_deleted(admin: Client, calendar: dict[str, Any]) -> None:
    assert send(admin, "POST", f"{API}/policies", policy_body(calendar["id"])).status_code == 201
    body = assert_error(
        send(admin, "DELETE", f"{API}/calendars/{calendar['id']}"), 409, "calendar_in_use"
    )
    assert body["details"] == {"policies": ["Standard"]}
    assert BusinessCalendar.objects.filter(pk=calendar["id"]).exists()


def test_unknown_calendar_ids_are_404(admin: Client) -> None:
    body = {"name": "X", "time_zone": "UTC", "weekly": {}}
    for method, path, payload in [
        ("GET", "/calendars/999", None),
        ("PUT", "/calendars/999", body),
        ("DELETE", "/calendars/999", None),
        ("POST", "/calendars/999/holidays", {"day": "2026-12-24", "name": "Eve"}),
        ("POST", "/calendars/999/holidays/import", {"country": "DE", "years": [2026]}),
    ]:
        assert_error(send(admin, method, API + path, payload), 404, "not_found")


# --- holidays -----------------------------------------------------------------------------


def test_add_replace_and_remove_holidays(admin: Client, calendar: dict[str, Any]) -> None:
    url = f"{API}/calendars/{calendar['id']}/holidays"
    eve = {"day": "2026-12-24", "name": "Christmas Eve", "intervals": [["09:00", "12:00"]]}
    first = send(admin, "POST", url, eve)
    assert first.status_code == 201, first.content
    again = send(admin, "POST", url, {**eve, "name": "Heiligabend", "intervals": []})
    assert again.json()["id"] == first.json()["id"]  # the same day is replaced, not doubled

    holidays = send(admin, "GET", f"{API}/calendars/{calendar['id']}").json()["holidays"]
    assert [(h["name"], h["intervals"], h["source"]) for h in holidays] == [
        ("Heiligabend", [], "manual")
    ]
    assert send(admin, "DELETE", f"{url}/{first.json()['id']}").status_code == 204
    assert_error(send(admin, "DELETE", f"{url}/{first.json()['id']}"), 404, "not_found")


def test_a_holiday_of_another_calendar_is_404(admin: Client, calendar: dict[str, Any]) -> None:
    other = send(admin, "POST", f"{API}/calendars", {"name": "B", "time_zone": "UTC", "weekly": {}})
    url = f"{API}/calendars/{other.json()['id']}/holidays"
    holiday = send(admin, "POST", url, {"day": "2026-01-01", "name": "New Year"}).json()
    path = f"{API}/calendars/{calendar['id']}/holidays/{holiday['id']}"
    assert_error(send(admin, "DELETE", path), 404, "not_found")
    assert CalendarHoliday.objects.filter(pk=holiday["id"]).exists()


def test_import_country_holidays(admin: Client, calendar: dict[str, Any]) -> None:
    url = f"{API}/calendars/{calendar['id']}/holidays/import"
    body = {"country": "de", "years": [2026], "subdivision": "BY"}
    response = send(admin, "POST", url, body)
    assert response.status_code == 200, response.content
    imported = response.json()["imported"]
    assert imported >= 10  # Germany's national holidays plus Bavaria's
    rows = CalendarHoliday.objects.filter(calendar_id=calendar["id"])
    assert rows.count() == imported
    assert set(rows.values_list("source", flat=True)) == {"preset:DE"}
    assert send(admin, "POST", url, body).json()["imported"] == imported  # idempotent
    assert rows.count() == imported


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"country": "ZZ", "years": [2026]}, "unknown_country"),
        ({"country": "DE", "years": [2026], "subdivision": "XX"}, "unknown_subdivision"),
        ({"country": "DE", "years": [1900]}, "invalid_years"),
        ({"country": "DE", "years": []}, "validation_error"),
        ({"country": "D3", "years": [2026]}, "validation_error"),
    ],
)
def test_import_errors(admin: Client, calendar: dict[str, Any], body: Any, code: str) -> None:
    url = f"{API}/calendars/{calendar['id']}/holidays/import"
    assert_error(send(admin, "POST", url, body), 422, code)
    assert not CalendarHoliday.objects.exists()


# --- policies -----------------------------------------------------------------------------


def test_policy_crud(admin: Client, calendar: dict[str, Any]) -> None:
    created = send(admin, "POST", f"{API}/policies", policy_body(calendar["id"], position=5))
    assert created.status_code == 201, created.content
    policy = created.json()
    assert policy["paused_categories"] == ["on_hold", "pending"]
    assert policy["warn_share"] == 0.75
    assert policy["targets"] == [
        {"priority": "high", "metric": "first_response", "minutes": 30, "business_hours": True},
        {"priority": "normal", "metric": "resolution", "minutes": 480, "business_hours": False},
    ]
    assert policy["escalations"] == [
        {"on": "breach", "do": "notify_assignee", "metrics": ["first_response"], "team": None}
    ]
    vip = policy_body(
        calendar["id"],
        name="VIP",
        condition={"field": "priority", "op": "equals", "value": "urgent"},
        escalations=[{"on": "warning", "do": "move_to_team", "team": "billing"}],
    )
    assert send(admin, "POST", f"{API}/policies", vip).status_code == 201
    listed = send(admin, "GET", f"{API}/policies").json()
    assert [p["name"] for p in listed] == ["VIP", "Standard"]  # by position

    url = f"{API}/policies/{policy['id']}"
    replaced = policy_body(
        calendar["id"],
        targets=[{"priority": "low", "metric": "periodic_update", "minutes": 60}],
        paused_categories=[],
        warn_share=0.5,
        is_active=False,
    )
    updated = send(admin, "PUT", url, replaced).json()
    assert [t["priority"] for t in updated["targets"]] == ["low"]
    assert (updated["paused_categories"], updated["warn_share"], updated["is_active"]) == (
        [],
        0.5,
        False,
    )
    assert send(admin, "DELETE", url).status_code == 204
    assert_error(send(admin, "GET", url), 404, "not_found")
    assert_error(send(admin, "PUT", url, replaced), 404, "not_found")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"condition": {"field": "priority", "op": "bogus", "value": 1}}, "invalid_condition"),
        ({"calendar_id": 999}, "unknown_calendar"),
        (
            {
                "targets": [
                    {"priority": "high", "metric": "resolution", "minutes": 30},
                    {"priority": "high", "metric": "resolution", "minutes": 60},
                ]
            },
            "invalid_target",
        ),
        ({"escalations": [{"on": "breach", "do": "move_to_team"}]}, "invalid_escalation"),
        ({"escalations": [{"on": "breach", "do": "page_ceo"}]}, "validation_error"),
        ({"warn_share": 0}, "validation_error"),
        ({"paused_categories": ["solved"]}, "validation_error"),
        (
            {"targets": [{"priority": "high", "metric": "resolution", "minutes": 0}]},
            "validation_error",
        ),
        ({"position": 10**12}, "validation_error"),
    ],
)
def test_policy_validation_errors(
    admin: Client, calendar: dict[str, Any], change: dict[str, Any], code: str
) -> None:
    body = assert_error(
        send(admin, "POST", f"{API}/policies", {**policy_body(calendar["id"]), **change}), 422, code
    )
    assert body["message"]
    assert not SlaPolicy.objects.exists()


def test_the_condition_error_says_where(admin: Client, calendar: dict[str, Any]) -> None:
    condition = {"all": [{"field": "subject", "op": "contains", "value": "x"}, {"field": "nope"}]}
    body = assert_error(
        send(admin, "POST", f"{API}/policies", policy_body(calendar["id"], condition=condition)),
        422,
        "invalid_condition",
    )
    assert "all[1]" in body["message"]


# --- who may read and write ---------------------------------------------------------------


READS = [
    ("GET", "/calendars"),
    ("GET", "/calendars/{c}"),
    ("GET", "/policies"),
    ("GET", "/policies/{p}"),
]
WRITES = [
    ("POST", "/calendars"),
    ("PUT", "/calendars/{c}"),
    ("POST", "/calendars/{c}/holidays"),
    ("POST", "/policies"),
    ("PUT", "/policies/{p}"),
    ("DELETE", "/policies/{p}"),
]


@pytest.fixture
def settings_rows(admin: Client, calendar: dict[str, Any]) -> dict[str, Any]:
    policy = send(admin, "POST", f"{API}/policies", policy_body(calendar["id"])).json()
    return {"c": calendar["id"], "p": policy["id"], "calendar": calendar}


def body_for(method: str, path: str, rows: dict[str, Any]) -> Any:
    if method == "DELETE":
        return None
    if "holidays" in path:
        return {"day": "2026-12-24", "name": "Eve"}
    if "calendars" in path:
        return {"name": f"Other {method}", "time_zone": "UTC", "weekly": {}}
    return policy_body(rows["c"], name=f"Other {method}")


@pytest.mark.parametrize(
    ("who", "scopes", "read", "write", "write_code"),
    [
        ("carol", ("read", "write", "admin"), 200, 2, None),
        ("carol", ("read", "write"), 200, 403, "insufficient_scope"),
        ("sam", ("read", "write"), 200, 403, "admin_required"),
        ("alice", ("read", "write"), 403, 403, "admin_required"),
        ("bob", ("read", "write"), 404, 403, "admin_required"),
    ],
    ids=["admin", "admin-token-without-admin-scope", "supervisor", "agent", "customer"],
)
def test_who_may_read_and_write(
    desk: Any,
    as_user: Callable[..., Client],
    settings_rows: dict[str, Any],
    who: str,
    scopes: tuple[str, ...],
    read: int,
    write: int,
    write_code: str | None,
) -> None:
    client = as_user(getattr(desk, who), scopes)
    for method, path in READS:
        response = send(client, method, API + path.format(**settings_rows))
        assert response.status_code == read, (method, path, response.content)
    for method, path in WRITES:
        url = API + path.format(**settings_rows)
        response = send(client, method, url, body_for(method, path, settings_rows))
        if write_code is None:
            assert response.status_code // 100 == write, (method, path, response.content)
        else:
            assert_error(response, write, write_code)


def test_anonymous_is_401() -> None:
    assert_error(Client().get(f"{API}/policies"), 401, "unauthenticated")
