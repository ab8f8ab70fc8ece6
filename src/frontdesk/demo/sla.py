"""The demo's SLA setup: office hours with public holidays, and two policies.

Created before the tickets are played back, so every demo ticket carries the deadlines and
the warning and breach history real use would have left.
"""

from datetime import datetime

from frontdesk.accounts.models import User
from frontdesk.sla.actions import import_country_holidays, save_calendar, save_policy

OFFICE_HOURS = {str(day): [["08:00", "18:00"]] for day in range(5)}

# (priority, first response, next response, resolution) in working minutes.
STANDARD_TARGETS = (
    ("urgent", 30, 60, 4 * 60),
    ("high", 60, 2 * 60, 10 * 60),
    ("normal", 4 * 60, 8 * 60, 30 * 60),
    ("low", 8 * 60, 16 * 60, 50 * 60),
)
PREMIUM_TARGETS = (
    ("urgent", 15, 30, 2 * 60),
    ("high", 30, 60, 6 * 60),
    ("normal", 2 * 60, 4 * 60, 20 * 60),
    ("low", 4 * 60, 8 * 60, 30 * 60),
)


def create_demo_sla(admin: User, *, now: datetime) -> None:
    calendar = save_calendar(
        actor=admin, name="Office hours", time_zone="Europe/Berlin", weekly=OFFICE_HOURS, now=now
    )
    import_country_holidays(
        actor=admin,
        calendar_id=calendar.pk,
        country="DE",
        years=[now.year - 1, now.year, now.year + 1],
    )
    save_policy(
        actor=admin,
        name="Premium and enterprise customers",
        position=1,
        calendar_id=calendar.pk,
        condition={"field": "organization_tier", "op": "in", "value": ["premium", "enterprise"]},
        targets=_targets(PREMIUM_TARGETS),
        escalations=[
            {"on": "warning", "do": "notify_assignee"},
            {"on": "breach", "do": "notify_supervisors", "metrics": ["first_response"]},
        ],
        now=now,
    )
    save_policy(
        actor=admin,
        name="Standard",
        position=2,
        calendar_id=calendar.pk,
        targets=_targets(STANDARD_TARGETS),
        escalations=[{"on": "breach", "do": "notify_assignee"}],
        now=now,
    )


def _targets(rows: tuple[tuple[str, int, int, int], ...]) -> list[dict[str, object]]:
    metrics = ("first_response", "next_response", "resolution")
    return [
        {"priority": priority, "metric": metric, "minutes": minutes}
        for priority, *values in rows
        for metric, minutes in zip(metrics, values, strict=True)
    ]
