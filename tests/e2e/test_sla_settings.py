"""SLA settings in a real browser: an administrator creates a calendar with a holiday, then
a policy with targets and an escalation, through the pages; axe finds nothing serious."""

from collections.abc import Callable
from typing import Any

import pytest
from conftest import Desk
from playwright.sync_api import expect
from tests.e2e.conftest import run_axe

from frontdesk.sla.models import BusinessCalendar, SlaPolicy

# Transactional: the live server's thread must see the data (statuses: see conftest.py).
pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_sets_up_a_calendar_and_a_policy(open_page: Callable[..., Any], desk: Desk) -> None:
    page = open_page("carol")
    page.get_by_role("link", name="SLA settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SLA settings")
    assert run_axe(page) == []

    page.get_by_role("link", name="New calendar").click()
    page.get_by_label("Name").fill("Berlin office")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_label("Friday").fill("09:00-12:00, 13:00-15:00")
    page.get_by_role("button", name="Create calendar").click()
    expect(page.locator(".flash")).to_contain_text("Saved the calendar “Berlin office”.")

    holiday = page.locator("form", has=page.get_by_role("heading", name="Add a holiday"))
    holiday.get_by_label("Day:", exact=True).fill("2026-12-24")
    holiday.get_by_label("Name").fill("Christmas Eve")
    holiday.get_by_label("Working hours that day").fill("09:00-12:00")
    page.get_by_role("button", name="Add holiday").click()
    expect(page.get_by_role("cell", name="Christmas Eve", exact=True)).to_be_visible()
    assert run_axe(page) == []

    page.get_by_role("link", name="Back to SLA settings").click()
    page.get_by_role("link", name="New policy").click()
    page.get_by_label("Name").fill("Urgent first")
    page.get_by_label("Applies to tickets where (JSON)").fill(
        '{"field": "priority", "op": "bogus"}'
    )
    page.get_by_label("Urgent: First response, minutes").fill("15")
    page.get_by_role("button", name="Create policy").click()
    expect(page.locator("#id_condition_error")).to_contain_text("unknown operator")
    assert run_axe(page) == []

    page.get_by_label("Applies to tickets where (JSON)").fill(
        '{"field": "priority", "op": "equals", "value": "urgent"}'
    )
    page.get_by_label("Urgent: Resolution, in business hours").uncheck()
    page.get_by_label("Urgent: Resolution, minutes").fill("240")
    page.locator("#id_escalation-0-on").select_option("breach")
    page.locator("#id_escalation-0-do").select_option("notify_supervisors")
    page.get_by_role("button", name="Create policy").click()
    expect(page.locator(".flash")).to_contain_text("Saved the policy “Urgent first”.")

    policy = SlaPolicy.objects.get(name="Urgent first")
    assert policy.calendar == BusinessCalendar.objects.get(name="Berlin office")
    assert set(policy.targets.values_list("metric", "minutes", "business_hours")) == {
        ("first_response", 15, True),
        ("resolution", 240, False),
    }
    assert policy.escalations == [{"on": "breach", "do": "notify_supervisors", "metrics": []}]
    assert page.js_errors == []
