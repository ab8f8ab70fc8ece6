"""SLA configuration (calendars, policies, targets) and the breach/warning record.

Only `sla.actions` writes these rows. Deadlines themselves are stored on the ticket
(`Ticket.*_due_at`, `next_deadline_at`), computed by the pure engine in `sla/engine.py`
(docs/adr/0008-sla-deadlines.md).
"""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from frontdesk.sla.engine import METRICS


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    NEXT_RESPONSE = "next_response", "Next response"
    PERIODIC_UPDATE = "periodic_update", "Periodic update"
    RESOLUTION = "resolution", "Resolution"


assert tuple(Metric.values) == METRICS  # the engine's names are the stored ones


class SlaEventKind(models.TextChoices):
    WARNING = "warning", "Warning"
    BREACH = "breach", "Breach"


class BusinessCalendar(models.Model):
    """Working hours in an IANA zone. `weekly` maps a weekday ("0" = Monday) to a list of
    ["HH:MM", "HH:MM"] intervals; an end at or before the start runs overnight."""

    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    weekly = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class CalendarHoliday(models.Model):
    """A closed day, or one with its own `intervals` (a half day). Presets from the
    `holidays` package are copied in as rows (`source` = "preset:DE"), so a deadline never
    moves because a library was upgraded."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    day = models.DateField()
    name = models.CharField(max_length=200)
    intervals = models.JSONField(default=list, blank=True)
    yearly = models.BooleanField(default=False)
    source = models.CharField(max_length=20, default="manual")

    class Meta:
        ordering: ClassVar = ["day", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["calendar", "day", "yearly"], name="holiday_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class SlaPolicy(models.Model):
    """Which tickets it covers (`condition`, in the rule language of
    `automation/conditions.py`; the first active policy by `position` wins), the calendar
    its business-hour targets count in, the status categories that pause its clocks, the
    share of a target at which a warning fires, and what to do on warning or breach."""

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    condition = models.JSONField(default=dict, blank=True)
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, related_name="+")
    paused_categories = models.JSONField(default=list, blank=True)
    warn_share = models.FloatField(default=0.75)
    escalations = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["position", "pk"]
        verbose_name_plural = "SLA policies"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(warn_share__gt=0) & Q(warn_share__lte=1), name="sla_warn_share_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SlaTarget(models.Model):
    """`metric` is due within `minutes` for tickets of `priority` under `policy`."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField()
    metric = models.CharField(max_length=20, choices=Metric.choices)
    minutes = models.PositiveIntegerField()
    business_hours = models.BooleanField(default=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["policy", "priority", "metric"], name="sla_target_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} p{self.priority} {self.metric} {self.minutes}m"


class SlaEvent(models.Model):
    """A warning or breach of one clock. The unique constraint on (ticket, metric, kind,
    clock start) is what makes each happen exactly once, whatever number of sweepers and
    actions race to record it; a new response cycle is a new clock start."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    policy = models.ForeignKey(SlaPolicy, null=True, on_delete=models.SET_NULL, related_name="+")
    metric = models.CharField(max_length=20, choices=Metric.choices)
    kind = models.CharField(max_length=10, choices=SlaEventKind.choices)
    clock_started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["ticket", "metric", "kind", "clock_started_at"], name="sla_event_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.metric} on {self.ticket_id}"
