"""SLA test fixtures: a Berlin office calendar and a standard policy over it."""

from collections.abc import Callable
from typing import Any

import pytest

from frontdesk.sla.actions import save_calendar, save_policy


@pytest.fixture
def policy(desk: Any) -> Callable[..., Any]:
    def make(escalations: list[dict[str, Any]] | None = None, **changes: Any) -> Any:
        calendar = save_calendar(
            actor=desk.carol,
            name="Berlin office",
            time_zone="Europe/Berlin",
            weekly=changes.pop("weekly", {str(day): [["09:00", "17:00"]] for day in range(5)}),
        )
        targets = [
            {"priority": "normal", "metric": "first_response", "minutes": 60},
            {"priority": "normal", "metric": "next_response", "minutes": 120},
            {"priority": "normal", "metric": "resolution", "minutes": 480},
            {"priority": "high", "metric": "first_response", "minutes": 30},
            {"priority": "high", "metric": "resolution", "minutes": 240},
        ]
        return save_policy(
            actor=desk.carol,
            name="Standard",
            calendar_id=calendar.pk,
            targets=changes.pop("targets", targets),
            escalations=escalations or [],
            **changes,
        )

    return make
