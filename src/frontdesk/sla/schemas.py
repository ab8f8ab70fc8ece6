"""API shapes of SLA settings. The schemas check types and ranges; the rules (valid hours,
conditions, known teams, unique names) are the actions' (`sla/actions/config.py`)."""

from datetime import date, datetime
from typing import Annotated, Any, Literal, get_args

from ninja import Field, Schema

from frontdesk.api.schemas import InputSchema
from frontdesk.sla.actions.config import (
    DEFAULT_PAUSED,
    MAX_INTERVALS_PER_DAY,
    MAX_TARGET_MINUTES,
)
from frontdesk.sla.clocks import ESCALATION_ACTIONS
from frontdesk.sla.engine import METRICS
from frontdesk.sla.models import BusinessCalendar, CalendarHoliday, SlaPolicy, SlaTarget
from frontdesk.tickets.choices import Priority

Weekday = Literal["0", "1", "2", "3", "4", "5", "6"]
MetricName = Literal["first_response", "next_response", "periodic_update", "resolution"]
PriorityName = Literal["low", "normal", "high", "urgent"]
PausableCategory = Literal["new", "open", "pending", "on_hold"]
EscalationAction = Literal[
    "notify_assignee", "notify_team", "notify_supervisors", "raise_priority", "move_to_team"
]
assert get_args(MetricName) == METRICS
assert get_args(EscalationAction) == ESCALATION_ACTIONS

DEFAULT_PAUSED_CATEGORIES: tuple[PausableCategory, ...] = ("on_hold", "pending")
assert sorted(DEFAULT_PAUSED_CATEGORIES) == sorted(DEFAULT_PAUSED)

Interval = Annotated[
    list[Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]],
    Field(
        min_length=2,
        max_length=2,
        description='["HH:MM", "HH:MM"]; an end at or before the start runs past midnight.',
    ),
]
Intervals = Annotated[list[Interval], Field(max_length=MAX_INTERVALS_PER_DAY)]
Name = Annotated[str, Field(min_length=1, max_length=100)]


# --- calendars ----------------------------------------------------------------------------


class HolidayOut(Schema):
    id: int
    day: date
    name: str
    intervals: list[list[str]] = Field(description="Working hours that day; empty: closed.")
    yearly: bool = Field(description="Repeats on this month and day every year.")
    source: str = Field(description='"manual", or "preset:<country>" when imported.')

    @staticmethod
    def of(holiday: CalendarHoliday) -> "HolidayOut":
        return HolidayOut(
            id=holiday.pk,
            day=holiday.day,
            name=holiday.name,
            intervals=holiday.intervals,
            yearly=holiday.yearly,
            source=holiday.source,
        )


class CalendarOut(Schema):
    id: int
    name: str
    time_zone: str
    weekly: dict[Weekday, list[list[str]]] = Field(
        description='Working hours per weekday, "0" = Monday; a missing day is closed.'
    )
    holidays: list[HolidayOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def of(calendar: BusinessCalendar) -> "CalendarOut":
        return CalendarOut(
            id=calendar.pk,
            name=calendar.name,
            time_zone=calendar.time_zone,
            weekly=calendar.weekly,
            holidays=[HolidayOut.of(h) for h in calendar.holidays.all()],
            created_at=calendar.created_at,
            updated_at=calendar.updated_at,
        )


class CalendarIn(InputSchema):
    name: Name
    time_zone: str = Field(max_length=64, description="An IANA zone, e.g. Europe/Berlin.")
    weekly: dict[Weekday, Intervals] = Field(
        description='Working hours per weekday, "0" = Monday: {"0": [["09:00", "17:00"]]}.'
    )


class HolidayIn(InputSchema):
    day: date
    name: Name
    intervals: Intervals = Field(
        default_factory=list, description="Working hours that day (a half day); empty: closed."
    )
    yearly: bool = False


class HolidayImportIn(InputSchema):
    country: str = Field(pattern=r"^[A-Za-z]{2,3}$", description="ISO 3166 code, e.g. DE.")
    years: list[int] = Field(min_length=1, max_length=10)
    subdivision: str = Field("", max_length=10, description="e.g. BY for Bavaria; empty: none.")


class HolidayImportOut(Schema):
    imported: int = Field(description="Holidays added or renamed.")


# --- policies -----------------------------------------------------------------------------


class TargetIo(Schema):
    priority: PriorityName
    metric: MetricName
    minutes: int = Field(ge=1, le=MAX_TARGET_MINUTES)
    business_hours: bool = Field(
        default=True, description="Count only the calendar's working hours; false: all hours."
    )

    @staticmethod
    def of(target: SlaTarget) -> "TargetIo":
        return TargetIo(
            priority=Priority(target.priority).label,  # type: ignore[arg-type]
            metric=target.metric,  # type: ignore[arg-type]
            minutes=target.minutes,
            business_hours=target.business_hours,
        )


class TargetIn(TargetIo, InputSchema):
    pass


class EscalationIo(Schema):
    on: Literal["warning", "breach"]
    do: EscalationAction
    metrics: list[MetricName] = Field(
        default_factory=list, description="The clocks it applies to; empty: all."
    )
    team: str | None = Field(
        None,
        max_length=100,
        description="The team slug (move_to_team), or \"next_tier\": the ticket's team's "
        "next support tier.",
    )


class EscalationIn(EscalationIo, InputSchema):
    pass


class PolicyOut(Schema):
    id: int
    name: str
    position: int
    is_active: bool
    calendar_id: int
    condition: dict[str, Any] = Field(description="Empty: every ticket.")
    paused_categories: list[PausableCategory]
    warn_share: float
    targets: list[TargetIo]
    escalations: list[EscalationIo]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def of(policy: SlaPolicy) -> "PolicyOut":
        return PolicyOut(
            id=policy.pk,
            name=policy.name,
            position=policy.position,
            is_active=policy.is_active,
            calendar_id=policy.calendar_id,
            condition=policy.condition,
            paused_categories=policy.paused_categories,
            warn_share=policy.warn_share,
            targets=[TargetIo.of(t) for t in policy.targets.all()],
            escalations=[EscalationIo(**e) for e in policy.escalations],
            created_at=policy.created_at,
            updated_at=policy.updated_at,
        )


class PolicyIn(InputSchema):
    name: Name
    calendar_id: int = Field(ge=1)
    position: int = Field(0, ge=0, le=1_000_000, description="Lower is tried first.")
    is_active: bool = True
    condition: dict[str, Any] = Field(
        default_factory=dict,
        description="Which tickets it covers, in the rule language of docs/sla.md; "
        "empty: every ticket.",
    )
    paused_categories: list[PausableCategory] = Field(
        default_factory=lambda: list(DEFAULT_PAUSED_CATEGORIES),
        description="Status categories in which the clocks stop.",
    )
    warn_share: float = Field(
        0.75, gt=0, le=1, description="Warn when this share of a target has passed."
    )
    targets: list[TargetIn] = Field(max_length=len(Priority.values) * len(METRICS))
    escalations: list[EscalationIn] = Field(default_factory=list, max_length=20)
