"""Approval fixtures: rules, and an SLA policy over a Berlin office calendar.

The desk works Monday-Friday 09:00-17:00 in Berlin (UTC+1 in November); tests start on
Monday 23 November 2026 at 10:00 Berlin time.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from frontdesk.approvals.actions import save_rule
from frontdesk.approvals.models import ApprovalRule
from frontdesk.sla.actions import save_calendar, save_policy

MONDAY_10 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Berlin


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    """A November 2026 wall-clock time in Berlin, as UTC."""
    return datetime(2026, 11, day, hour - 1, minute, tzinfo=UTC)


@pytest.fixture
def rule(desk: Any) -> Callable[..., ApprovalRule]:
    """A rule; by default service requests wait for their team's lead (sam for support)."""

    def make(**fields: Any) -> ApprovalRule:
        fields.setdefault("name", f"Rule {ApprovalRule.objects.count() + 1}")
        fields.setdefault("approver_kind", "team_lead")
        return save_rule(actor=desk.carol, **fields)

    return make


@pytest.fixture
def office_policy(desk: Any) -> Any:
    calendar = save_calendar(
        actor=desk.carol,
        name="Berlin office",
        time_zone="Europe/Berlin",
        weekly={str(day): [["09:00", "17:00"]] for day in range(5)},
    )
    return save_policy(
        actor=desk.carol,
        name="Standard",
        calendar_id=calendar.pk,
        targets=[{"priority": "normal", "metric": "resolution", "minutes": 480}],
    )


@pytest.fixture
def service_request(make_ticket: Any) -> Callable[..., Any]:
    def make(**fields: Any) -> Any:
        fields.setdefault("type", "service_request")
        return make_ticket(**fields)

    return make
