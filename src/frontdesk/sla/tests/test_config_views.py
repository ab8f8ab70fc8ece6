"""The SLA settings pages: they render, save through the actions, show refusals on the
form, are read-only for supervisors and closed to everyone else, and need CSRF."""

from typing import Any

import pytest
from django.test import Client

from frontdesk.sla.actions import add_holiday, save_calendar, save_policy
from frontdesk.sla.models import BusinessCalendar, CalendarHoliday, SlaPolicy

PAGES = "/desk/admin/sla"


def signed_in(user: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


@pytest.fixture
def calendar(desk: Any) -> BusinessCalendar:
    calendar = save_calendar(
        actor=desk.carol,
        name="Berlin office",
        time_zone="Europe/Berlin",
        weekly={str(day): [["09:00", "17:00"]] for day in range(5)},
    )
    add_holiday(actor=desk.carol, calendar_id=calendar.pk, day=_day("2026-12-25"), name="Xmas")
    return calendar


@pytest.fixture
def policy(desk: Any, calendar: BusinessCalendar) -> SlaPolicy:
    return save_policy(
        actor=desk.carol,
        name="Standard",
        calendar_id=calendar.pk,
        targets=[{"priority": "high", "metric": "first_response", "minutes": 90}],
        escalations=[{"on": "breach", "do": "notify_team", "metrics": []}],
    )


def _day(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)


def calendar_post(**changes: str) -> dict[str, str]:
    data = {"name": "Night desk", "time_zone": "Europe/Paris"}
    data |= {f"hours_{day}": "" for day in range(7)}
    data |= {"hours_0": "09:00-12:00, 13:00-17:00", "hours_6": "22:00-06:00"}
    return data | changes


def policy_post(calendar: BusinessCalendar, **changes: str) -> dict[str, str]:
    data = {
        "name": "VIP",
        "position": "1",
        "is_active": "on",
        "calendar": str(calendar.pk),
        "condition": '{"field": "priority", "op": "in", "value": ["high", "urgent"]}',
        "paused_categories": "on_hold",
        "warn_percent": "80",
        "target_urgent_first_response": "15",
        "business_urgent_first_response": "on",
        "target_high_resolution": "240",  # its business box unticked: around the clock
        "escalation-TOTAL_FORMS": "2",
        "escalation-INITIAL_FORMS": "0",
        "escalation-MIN_NUM_FORMS": "0",
        "escalation-MAX_NUM_FORMS": "20",
        "escalation-0-on": "warning",
        "escalation-0-do": "move_to_team",
        "escalation-0-team": "billing",
        "escalation-0-metrics": "resolution",
        "escalation-1-on": "",  # an unused row
        "escalation-1-do": "notify_assignee",
    }
    return data | changes


# --- rendering ------------------------------------------------------------------------


def test_overview_lists_policies_in_order_with_calendar_and_targets(
    desk: Any, policy: SlaPolicy
) -> None:
    response = signed_in(desk.carol).get(f"{PAGES}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Standard" in page
    assert "Berlin office" in page
    assert "High: First response 1 h 30 min (business hours)" in page
    assert "New policy" in page


def test_calendar_page_shows_hours_zone_and_holidays(desk: Any, calendar: BusinessCalendar) -> None:
    page = signed_in(desk.carol).get(f"{PAGES}/calendars/{calendar.pk}/").content.decode()
    assert 'value="09:00-17:00"' in page
    assert '<option value="Europe/Berlin" selected>' in page
    assert "Xmas" in page
    assert "Import country holidays" in page


def test_policy_page_shows_grid_condition_and_escalations(desk: Any, policy: SlaPolicy) -> None:
    page = signed_in(desk.carol).get(f"{PAGES}/policies/{policy.pk}/").content.decode()
    assert 'name="target_high_first_response" value="90"' in page
    assert 'name="escalation-0-do"' in page
    assert "Notify the ticket&#x27;s team" in page
    assert 'name="escalation-TOTAL_FORMS" value="3"' in page  # one row and two blank ones


def test_new_pages_render(desk: Any, calendar: BusinessCalendar) -> None:
    client = signed_in(desk.carol)
    assert client.get(f"{PAGES}/calendars/new/").status_code == 200
    assert client.get(f"{PAGES}/policies/new/").status_code == 200


# --- saving ---------------------------------------------------------------------------


def test_a_new_calendar_saves_through_the_action(desk: Any) -> None:
    response = signed_in(desk.carol).post(f"{PAGES}/calendars/new/", calendar_post())
    calendar = BusinessCalendar.objects.get(name="Night desk")
    assert response.status_code == 302
    assert response["Location"] == f"{PAGES}/calendars/{calendar.pk}/"
    assert calendar.time_zone == "Europe/Paris"
    assert calendar.weekly == {
        "0": [["09:00", "12:00"], ["13:00", "17:00"]],
        "6": [["22:00", "06:00"]],
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"hours_2": "9 to 5"}, "hours_2", "is not a span like 09:00-17:00"),
        ({"hours_2": "09:00-24:00"}, "hours_2", "is not a span like 09:00-17:00"),
        ({"name": "Berlin office"}, "name", "A calendar named"),  # the action's duplicate_name
        ({"time_zone": "Mars/Base"}, "time_zone", "Select a valid choice"),
    ],
)
def test_calendar_errors_show_on_the_form(
    desk: Any, calendar: BusinessCalendar, change: dict[str, str], field: str, message: str
) -> None:
    response = signed_in(desk.carol).post(f"{PAGES}/calendars/new/", calendar_post(**change))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert BusinessCalendar.objects.count() == 1


def test_holidays_add_remove_and_import(desk: Any, calendar: BusinessCalendar) -> None:
    client = signed_in(desk.carol)
    base = f"{PAGES}/calendars/{calendar.pk}"
    added = client.post(
        f"{base}/holidays/",
        {"holiday-day": "2026-12-24", "holiday-name": "Eve", "holiday-hours": "09:00-12:00"},
    )
    assert added.status_code == 302
    eve = CalendarHoliday.objects.get(name="Eve")
    assert eve.intervals == [["09:00", "12:00"]]

    assert client.post(f"{base}/holidays/{eve.pk}/delete/").status_code == 302
    assert not CalendarHoliday.objects.filter(pk=eve.pk).exists()

    imported = client.post(
        f"{base}/holidays/import/", {"import-country": "fr", "import-years": "2026"}
    )
    assert imported.status_code == 302
    assert CalendarHoliday.objects.filter(calendar=calendar, source="preset:FR").count() >= 10


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"country": "ZZ", "years": "2026"}, "country", "No holiday data"),
        ({"country": "DE", "years": "2026", "subdivision": "QQ"}, "subdivision", "no subdivision"),
        ({"country": "DE", "years": "next year"}, "years", "Give years like"),
        ({"country": "DE", "years": "1850"}, "years", "from 1970 to 2100"),  # the action's
    ],
)
def test_import_errors_show_on_the_form(
    desk: Any, calendar: BusinessCalendar, data: dict[str, str], field: str, message: str
) -> None:
    url = f"{PAGES}/calendars/{calendar.pk}/holidays/import/"
    response = signed_in(desk.carol).post(url, {f"import-{k}": v for k, v in data.items()})
    assert response.status_code == 422
    assert message in " ".join(response.context["import_form"].errors[field])


def test_a_calendar_in_use_is_not_deleted(desk: Any, policy: SlaPolicy) -> None:
    client = signed_in(desk.carol)
    url = f"{PAGES}/calendars/{policy.calendar_id}/"
    response = client.post(f"{url}delete/", follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Policies use this calendar: Standard" in response.content.decode()
    assert BusinessCalendar.objects.filter(pk=policy.calendar_id).exists()


def test_a_new_policy_saves_through_the_action(desk: Any, calendar: BusinessCalendar) -> None:
    response = signed_in(desk.carol).post(f"{PAGES}/policies/new/", policy_post(calendar))
    assert response.status_code == 302, response.context and response.context["form"].errors
    policy = SlaPolicy.objects.get(name="VIP")
    assert policy.condition == {"field": "priority", "op": "in", "value": ["high", "urgent"]}
    assert (policy.position, policy.warn_share, policy.paused_categories) == (1, 0.8, ["on_hold"])
    targets = set(policy.targets.values_list("priority", "metric", "minutes", "business_hours"))
    assert targets == {(4, "first_response", 15, True), (3, "resolution", 240, False)}
    assert policy.escalations == [
        {"on": "warning", "do": "move_to_team", "metrics": ["resolution"], "team": "billing"}
    ]


def test_editing_a_policy_replaces_it(desk: Any, policy: SlaPolicy) -> None:
    data = policy_post(policy.calendar, name="Standard", condition="", is_active="")
    data.pop("is_active")
    response = signed_in(desk.carol).post(f"{PAGES}/policies/{policy.pk}/", data)
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.condition, policy.is_active, policy.targets.count()) == ({}, False, 2)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"condition": '{"field": "priority", "op": "bogus"}'}, "condition", "unknown operator"),
        ({"condition": "{not json"}, "condition", "not valid JSON"),
        ({"condition": "[1, 2]"}, "condition", "A condition is a JSON object"),
        ({"warn_percent": "0"}, "warn_percent", "greater than or equal to 1"),
        ({"target_low_resolution": "-5"}, "target_low_resolution", "greater than or equal to 1"),
    ],
)
def test_policy_errors_show_inline(
    desk: Any, calendar: BusinessCalendar, change: dict[str, str], field: str, message: str
) -> None:
    response = signed_in(desk.carol).post(f"{PAGES}/policies/new/", policy_post(calendar, **change))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not SlaPolicy.objects.exists()


def test_an_escalation_error_shows_on_the_form(desk: Any, calendar: BusinessCalendar) -> None:
    data = policy_post(calendar, **{"escalation-0-team": ""})  # a move needs a team
    response = signed_in(desk.carol).post(f"{PAGES}/policies/new/", data)
    assert response.status_code == 422
    assert "move_to_team needs an existing team" in response.content.decode()


def test_deleting_a_policy(desk: Any, policy: SlaPolicy) -> None:
    response = signed_in(desk.carol).post(f"{PAGES}/policies/{policy.pk}/delete/")
    assert response.status_code == 302
    assert not SlaPolicy.objects.exists()


# --- who may ----------------------------------------------------------------------------


def test_supervisors_see_every_page_read_only(desk: Any, policy: SlaPolicy) -> None:
    client = signed_in(desk.sam)
    for url in ("/", f"/calendars/{policy.calendar_id}/", f"/policies/{policy.pk}/"):
        response = client.get(PAGES + url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Save" not in page
        assert "Delete" not in page
        assert "New policy" not in page
    page = client.get(f"{PAGES}/policies/{policy.pk}/").content.decode()
    assert 'name="name" value="Standard" maxlength="100" required disabled' in page


def test_supervisors_cannot_post(desk: Any, calendar: BusinessCalendar, policy: SlaPolicy) -> None:
    client = signed_in(desk.sam)
    for url, data in [
        ("/calendars/new/", calendar_post()),
        (
            f"/calendars/{calendar.pk}/holidays/",
            {"holiday-day": "2026-12-24", "holiday-name": "Eve"},
        ),
        (f"/calendars/{calendar.pk}/delete/", {}),
        ("/policies/new/", policy_post(calendar)),
        (f"/policies/{policy.pk}/delete/", {}),
    ]:
        assert client.post(PAGES + url, data).status_code == 403, url
    assert BusinessCalendar.objects.count() == 1
    assert SlaPolicy.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), [("alice", 403), ("lena", 403), ("bob", 404)])
def test_agents_and_customers_are_refused(
    desk: Any, policy: SlaPolicy, who: str, status: int
) -> None:
    client = signed_in(getattr(desk, who))
    assert client.get(f"{PAGES}/").status_code == status
    assert client.get(f"{PAGES}/policies/{policy.pk}/").status_code == status
    assert client.post(f"{PAGES}/policies/{policy.pk}/delete/").status_code == status
    assert SlaPolicy.objects.exists()


def test_anonymous_goes_to_sign_in() -> None:
    response = Client().get(f"{PAGES}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_posts_need_the_csrf_token(desk: Any, calendar: BusinessCalendar) -> None:
    response = signed_in(desk.carol, csrf=True).post(f"{PAGES}/calendars/new/", calendar_post())
    assert response.status_code == 403
    assert not BusinessCalendar.objects.filter(name="Night desk").exists()


def test_unknown_ids_are_404(desk: Any) -> None:
    client = signed_in(desk.carol)
    assert client.get(f"{PAGES}/calendars/999/").status_code == 404
    assert client.get(f"{PAGES}/policies/999/").status_code == 404
    assert client.post(f"{PAGES}/calendars/999/holidays/1/delete/").status_code == 404


def test_admins_see_the_link_in_the_navigation(desk: Any) -> None:
    assert f'href="{PAGES}/"' in signed_in(desk.carol).get("/desk/").content.decode()
    assert f'href="{PAGES}/"' in signed_in(desk.sam).get("/desk/").content.decode()
    assert f'href="{PAGES}/"' not in signed_in(desk.alice).get("/desk/").content.decode()
