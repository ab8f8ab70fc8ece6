"""Per-ticket metric rows (docs/metrics.md, ADR 0010) and scheduled reports.

Only `reports.actions` writes these rows. `TicketMetrics` is derived data: a ticket's row
equals `compute.compute_metrics` of its history, rebuilt after every committed change and
by `frontdesk reports rebuild`; `ActivePeriod` holds the spans in which the ticket was
unsolved (the backlog at any past instant is a count over them).
"""

from typing import ClassVar

from django.db import models
from django.db.models import Q

SLA_OUTCOMES = ("", "achieved", "breached", "active")


class TicketMetrics(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", primary_key=True, on_delete=models.CASCADE, related_name="metrics"
    )
    source_version = models.PositiveIntegerField(help_text="The ticket version it was built from.")
    computed_at = models.DateTimeField()
    # The slices: the ticket's current values (docs/metrics.md, "Slices").
    created_at = models.DateTimeField()
    channel = models.CharField(max_length=10)
    type = models.CharField(max_length=20)
    priority = models.PositiveSmallIntegerField()
    status_category = models.CharField(max_length=10)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        "tickets.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "customers.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Lifecycle.
    first_solved_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True, help_text="Last solve, if solved now.")
    reopen_count = models.PositiveIntegerField(default=0)
    first_reopened_at = models.DateTimeField(null=True, blank=True)
    solver = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Conversation.
    public_agent_replies = models.PositiveIntegerField(default=0)
    customer_messages = models.PositiveIntegerField(default=0)
    internal_notes = models.PositiveIntegerField(default=0)
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_responder = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Durations in seconds; calendar and business time (the SLA policy's calendar).
    first_response_seconds = models.BigIntegerField(null=True, blank=True)
    first_response_business_seconds = models.BigIntegerField(null=True, blank=True)
    next_response_seconds = models.BigIntegerField(null=True, blank=True)
    next_response_business_seconds = models.BigIntegerField(null=True, blank=True)
    next_response_cycles = models.PositiveIntegerField(default=0)
    resolution_seconds = models.BigIntegerField(null=True, blank=True)
    resolution_business_seconds = models.BigIntegerField(null=True, blank=True)
    requester_wait_seconds = models.BigIntegerField(null=True, blank=True)
    requester_wait_business_seconds = models.BigIntegerField(null=True, blank=True)
    first_contact_resolution = models.BooleanField(default=False)
    # SLA outcome per target: "" (no target), achieved, breached, active.
    sla_first_response = models.CharField(max_length=8, blank=True, default="")
    sla_next_response = models.CharField(max_length=8, blank=True, default="")
    sla_periodic_update = models.CharField(max_length=8, blank=True, default="")
    sla_resolution = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        db_table = "reports_ticket_metrics"
        verbose_name_plural = "ticket metrics"
        indexes: ClassVar = [
            models.Index(fields=["created_at"], name="metrics_created"),
            models.Index(fields=["solved_at"], name="metrics_solved"),
            models.Index(fields=["team", "created_at"], name="metrics_team_created"),
            models.Index(fields=["assignee", "created_at"], name="metrics_assignee_created"),
            models.Index(fields=["solver", "solved_at"], name="metrics_solver"),
            models.Index(
                fields=["first_reopened_at"],
                condition=Q(first_reopened_at__isnull=False),
                name="metrics_reopened",
            ),
        ]

    def __str__(self) -> str:
        return f"metrics of {self.ticket_id}"


class ActivePeriod(models.Model):
    """[started_at, ended_at) in which the ticket was unsolved (new, open, pending, on hold);
    `ended_at` is null while it still is. A reopened ticket has several."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # The ticket's creation and slices (copies of its metric row's), so the backlog is
    # filtered and aged without a join.
    created_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=10, blank=True, default="")
    type = models.CharField(max_length=20, blank=True, default="")
    priority = models.PositiveSmallIntegerField(default=0)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        "tickets.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "customers.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        db_table = "reports_active_period"
        indexes: ClassVar = [
            models.Index(fields=["ticket", "started_at"], name="active_period_ticket"),
            models.Index(fields=["started_at"], name="active_period_start"),
            models.Index(
                fields=["ended_at"], condition=Q(ended_at__isnull=False), name="active_period_end"
            ),
            models.Index(
                fields=["started_at"], condition=Q(ended_at__isnull=True), name="active_period_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.started_at}-{self.ended_at}"


class ScheduledReport(models.Model):
    """A dashboard emailed to `recipients` every day or every week (on `weekday`, 0 =
    Monday) at `hour` UTC, with the filters of its URL query string."""

    name = models.CharField(max_length=100)
    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    page = models.CharField(max_length=20, default="overview")
    query = models.CharField(max_length=1000, blank=True, default="")
    frequency = models.CharField(
        max_length=6, choices=[("daily", "Daily"), ("weekly", "Weekly")], default="weekly"
    )
    weekday = models.PositiveSmallIntegerField(default=0)
    hour = models.PositiveSmallIntegerField(default=7)
    recipients = models.ManyToManyField("accounts.User", related_name="+")
    is_active = models.BooleanField(default=True)
    last_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "reports_scheduled"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(weekday__lte=6) & Q(hour__lte=23), name="scheduled_report_when"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=["daily", "weekly"]), name="scheduled_report_freq"
            ),
        ]

    def __str__(self) -> str:
        return self.name
