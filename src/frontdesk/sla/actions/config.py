"""Admin actions on SLA configuration: business calendars, holidays and policies.

Everything is validated here, once, for the admin pages and the API alike; a change drops
the cached policies when it commits, and each open ticket picks it up at its next change
(docs/sla.md).
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction

from frontdesk.accounts.access import is_admin
from frontdesk.accounts.models import Team, User
from frontdesk.automation.conditions import parse_condition
from frontdesk.automation.errors import RuleError
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, Forbidden, Invalid
from frontdesk.sla.clocks import ESCALATION_ACTIONS
from frontdesk.sla.engine import METRICS
from frontdesk.sla.models import BusinessCalendar, CalendarHoliday, SlaPolicy, SlaTarget
from frontdesk.sla.policies import forget_policies_after_commit, interval_from_json
from frontdesk.tickets.choices import PRIORITY_BY_NAME, Priority

MAX_INTERVALS_PER_DAY = 12
MAX_TARGET_MINUTES = 366 * 24 * 60
PAUSABLE_CATEGORIES = ("new", "open", "pending", "on_hold")
DEFAULT_PAUSED = ["pending", "on_hold"]


def save_calendar(
    *,
    actor: User,
    name: str,
    time_zone: str,
    weekly: Mapping[str, Sequence[Sequence[str]]],
    calendar_id: int | None = None,
    now: datetime | None = None,
) -> BusinessCalendar:
    """Create a calendar, or replace the name, zone and weekly hours of `calendar_id`."""
    _require_admin(actor)
    now = now or clock.now()
    name = _name(name)
    _time_zone(time_zone)
    clean_weekly = _weekly(weekly)
    with transaction.atomic():
        calendar = _calendar(calendar_id) if calendar_id else BusinessCalendar(created_at=now)
        if BusinessCalendar.objects.filter(name=name).exclude(pk=calendar.pk).exists():
            raise Invalid("duplicate_name", f"A calendar named {name!r} exists.")
        calendar.name, calendar.time_zone, calendar.weekly = name, time_zone, clean_weekly
        calendar.updated_at = now
        calendar.save()
        forget_policies_after_commit()
    return calendar


def delete_calendar(*, actor: User, calendar_id: int) -> None:
    """Delete a calendar and its holidays; refused while a policy counts in it, since
    deleting the policy's hours would silently change its tickets' deadlines."""
    _require_admin(actor)
    with transaction.atomic():
        calendar = _calendar(calendar_id)
        users = list(SlaPolicy.objects.filter(calendar=calendar).values_list("name", flat=True))
        if users:
            raise Conflict(
                "calendar_in_use",
                f"Policies use this calendar: {', '.join(users)}. Move them to another first.",
                details={"policies": users},
            )
        calendar.delete()
        forget_policies_after_commit()


def add_holiday(
    *,
    actor: User,
    calendar_id: int,
    day: date,
    name: str,
    intervals: Sequence[Sequence[str]] = (),
    yearly: bool = False,
) -> CalendarHoliday:
    """Close `day` (no intervals) or give it its own working hours (a half day)."""
    _require_admin(actor)
    with transaction.atomic():
        calendar = _calendar(calendar_id)
        holiday, _ = CalendarHoliday.objects.update_or_create(
            calendar=calendar,
            day=day,
            yearly=yearly,
            defaults={"name": _name(name), "intervals": _intervals(intervals, "intervals")},
        )
        forget_policies_after_commit()
    return holiday


def remove_holiday(*, actor: User, calendar_id: int, holiday_id: int) -> None:
    _require_admin(actor)
    with transaction.atomic():
        CalendarHoliday.objects.filter(calendar_id=calendar_id, pk=holiday_id).delete()
        forget_policies_after_commit()


def import_country_holidays(
    *, actor: User, calendar_id: int, country: str, years: Sequence[int], subdivision: str = ""
) -> int:
    """Copy a country's public holidays for `years` from the `holidays` package into the
    calendar as dated rows (a library upgrade never moves a stored deadline). Returns how
    many days were added or renamed."""
    import holidays as holiday_data  # imported on use: it loads every country's rules

    _require_admin(actor)
    if not years or len(years) > 10 or any(not 1970 <= y <= 2100 for y in years):
        raise Invalid("invalid_years", "Give between 1 and 10 years from 1970 to 2100.")
    country = country.strip().upper()
    subdivisions = holiday_data.list_supported_countries().get(country)
    if subdivisions is None:
        raise Invalid("unknown_country", f"No holiday data for {country!r}.")
    if subdivision and subdivision not in subdivisions:
        raise Invalid(
            "unknown_subdivision",
            f"{country} has no subdivision {subdivision!r}; known: {', '.join(subdivisions)}.",
        )
    days = holiday_data.country_holidays(country, subdiv=subdivision or None, years=list(years))
    with transaction.atomic():
        calendar = _calendar(calendar_id)
        for day, name in sorted(days.items()):
            CalendarHoliday.objects.update_or_create(
                calendar=calendar,
                day=day,
                yearly=False,
                defaults={
                    "name": str(name)[:200],
                    "intervals": [],
                    "source": f"preset:{country}",
                },
            )
        forget_policies_after_commit()
    return len(days)


def save_policy(
    *,
    actor: User,
    name: str,
    calendar_id: int,
    targets: Sequence[Mapping[str, Any]],
    condition: Mapping[str, Any] | None = None,
    paused_categories: Sequence[str] | None = None,
    warn_share: float = 0.75,
    escalations: Sequence[Mapping[str, Any]] = (),
    position: int = 0,
    is_active: bool = True,
    policy_id: int | None = None,
    now: datetime | None = None,
) -> SlaPolicy:
    """Create or replace a policy with its targets (all of them: the list is the policy)."""
    _require_admin(actor)
    now = now or clock.now()
    values = {
        "name": _name(name),
        "condition": _condition(condition or {}),
        "paused_categories": _paused(
            DEFAULT_PAUSED if paused_categories is None else paused_categories
        ),
        "warn_share": _warn_share(warn_share),
        "escalations": [_escalation(e, f"escalations[{i}]") for i, e in enumerate(escalations)],
        "position": max(0, int(position)),
        "is_active": bool(is_active),
    }
    clean_targets = [_target(t, f"targets[{i}]") for i, t in enumerate(targets)]
    _no_repeated_targets(clean_targets)
    with transaction.atomic():
        calendar = _calendar(calendar_id)
        policy = _policy(policy_id) if policy_id else SlaPolicy(created_at=now)
        if SlaPolicy.objects.filter(name=values["name"]).exclude(pk=policy.pk).exists():
            raise Invalid("duplicate_name", f"A policy named {values['name']!r} exists.")
        for field, value in values.items():
            setattr(policy, field, value)
        policy.calendar, policy.updated_at = calendar, now
        policy.save()
        policy.targets.all().delete()
        SlaTarget.objects.bulk_create(SlaTarget(policy=policy, **t) for t in clean_targets)
        forget_policies_after_commit()
    return policy


def delete_policy(*, actor: User, policy_id: int) -> None:
    _require_admin(actor)
    with transaction.atomic():
        _policy(policy_id).delete()
        forget_policies_after_commit()


# --- validation ---------------------------------------------------------------------------


def _require_admin(actor: User) -> None:
    if not is_admin(actor):
        raise Forbidden("admin_only", "Only administrators change SLA settings.")


def _calendar(calendar_id: int) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.filter(pk=calendar_id).first()
    if calendar is None:
        raise Invalid("unknown_calendar", "No such calendar.")
    return calendar


def _policy(policy_id: int) -> SlaPolicy:
    policy = SlaPolicy.objects.filter(pk=policy_id).first()
    if policy is None:
        raise Invalid("unknown_policy", "No such SLA policy.")
    return policy


def _name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid("invalid_name", "A name needs 1 to 100 characters.")
    return name


def _time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid("unknown_time_zone", f"Unknown time zone {name!r}.") from exc


def _weekly(weekly: Mapping[str, Sequence[Sequence[str]]]) -> dict[str, list[list[str]]]:
    if not isinstance(weekly, Mapping):
        raise Invalid("invalid_hours", "Working hours map weekdays 0-6 to intervals.")
    clean: dict[str, list[list[str]]] = {}
    for day, spans in weekly.items():
        if str(day) not in {str(d) for d in range(7)}:
            raise Invalid("invalid_hours", f"Weekday {day!r} is not 0 (Monday) to 6 (Sunday).")
        clean[str(day)] = _intervals(spans, f"weekly[{day}]")
    return dict(sorted(clean.items()))


def _intervals(spans: Sequence[Sequence[str]], where: str) -> list[list[str]]:
    if not isinstance(spans, (list, tuple)) or len(spans) > MAX_INTERVALS_PER_DAY:
        raise Invalid("invalid_hours", f"{where}: up to {MAX_INTERVALS_PER_DAY} intervals.")
    clean = []
    for span in spans:
        try:
            interval = interval_from_json([str(part) for part in span])
        except (TypeError, ValueError) as exc:
            raise Invalid("invalid_hours", f"{where}: {span!r} is not [HH:MM, HH:MM].") from exc
        clean.append([interval.start.strftime("%H:%M"), interval.end.strftime("%H:%M")])
    return sorted(clean)


def _condition(condition: Mapping[str, Any]) -> dict[str, Any]:
    if not condition:
        return {}
    try:
        parse_condition(condition)
    except RuleError as exc:
        raise Invalid("invalid_condition", str(exc)) from exc
    return dict(condition)


def _paused(categories: Sequence[str]) -> list[str]:
    unknown = set(categories) - set(PAUSABLE_CATEGORIES)
    if unknown:
        raise Invalid("invalid_pause", f"Cannot pause in {sorted(unknown)}.")
    return sorted(set(categories))


def _warn_share(share: float) -> float:
    if not 0 < share <= 1:
        raise Invalid("invalid_warn_share", "The warning share is above 0 and at most 1.")
    return float(share)


def _target(data: Mapping[str, Any], where: str) -> dict[str, Any]:
    priority = data.get("priority")
    rank = PRIORITY_BY_NAME.get(priority) if isinstance(priority, str) else priority
    if rank not in Priority.values:
        raise Invalid("invalid_target", f"{where}: unknown priority {priority!r}.")
    if data.get("metric") not in METRICS:
        raise Invalid("invalid_target", f"{where}: metric is one of {', '.join(METRICS)}.")
    minutes = data.get("minutes")
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not 0 < minutes <= MAX_TARGET_MINUTES
    ):
        raise Invalid(
            "invalid_target", f"{where}: minutes is a whole number from 1 to {MAX_TARGET_MINUTES}."
        )
    return {
        "priority": int(rank),
        "metric": data["metric"],
        "minutes": minutes,
        "business_hours": bool(data.get("business_hours", True)),
    }


def _no_repeated_targets(targets: list[dict[str, Any]]) -> None:
    keys = [(t["priority"], t["metric"]) for t in targets]
    if len(keys) != len(set(keys)):
        raise Invalid("invalid_target", "Each priority has at most one target per metric.")


def _escalation(data: Mapping[str, Any], where: str) -> dict[str, Any]:
    if data.get("on") not in ("warning", "breach"):
        raise Invalid("invalid_escalation", f"{where}: on is 'warning' or 'breach'.")
    if data.get("do") not in ESCALATION_ACTIONS:
        raise Invalid(
            "invalid_escalation", f"{where}: do is one of {', '.join(ESCALATION_ACTIONS)}."
        )
    metrics = list(data.get("metrics") or [])
    if set(metrics) - set(METRICS):
        raise Invalid("invalid_escalation", f"{where}: unknown metrics {metrics}.")
    clean: dict[str, Any] = {"on": data["on"], "do": data["do"], "metrics": sorted(set(metrics))}
    if data["do"] == "move_to_team":
        # "next_tier": the ticket's team's next support tier, whichever team that is.
        team = data.get("team")
        if team != "next_tier" and not Team.objects.filter(slug=team).exists():
            raise Invalid(
                "invalid_escalation",
                f"{where}: move_to_team needs an existing team slug or 'next_tier'.",
            )
        clean["team"] = data["team"]
    return clean
