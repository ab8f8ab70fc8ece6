"""Report test helpers: a Berlin office policy and actions whose after-commit metric
rebuild runs, as it does for a request."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from frontdesk.sla.actions import save_calendar, save_policy


def berlin(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A November/December 2026 wall-clock time in Berlin (UTC+1), as UTC."""
    return datetime(2026, month, day, hour - 1, minute, tzinfo=UTC)


@pytest.fixture
def office_policy(desk: Any) -> Callable[[], Any]:
    """Monday-Friday 09:00-17:00 in Berlin; normal: first response 60, next response 120,
    resolution 480 business minutes; high: first response 30, resolution 240."""

    def make() -> Any:
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
            targets=[
                {"priority": "normal", "metric": "first_response", "minutes": 60},
                {"priority": "normal", "metric": "next_response", "minutes": 120},
                {"priority": "normal", "metric": "resolution", "minutes": 480},
                {"priority": "high", "metric": "first_response", "minutes": 30},
                {"priority": "high", "metric": "resolution", "minutes": 240},
            ],
            escalations=[],
        )

    return make


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run a write and the after-commit callbacks it registers (the metric rebuild)."""

    def run(write: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run
