"""Triggers (rules run when something happens to a ticket), time rules (rules the
scheduler checks as time passes), and the record of what each did.

The condition and actions columns hold the canonical JSON of the rule language in
`automation/` (`conditions.py`, `actions.py`), as `actions.save_trigger` and
`actions.save_time_rule` stored them after checking.
"""

from typing import ClassVar

from django.db import models


class Trigger(models.Model):
    """When an event (created, updated, a reply, a status change, an assignment, an SLA
    warning or breach) leaves the ticket meeting `condition`, run `actions`. Active
    triggers run in `position` order (ties by id); `stop_processing` ends the run."""

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    condition = models.JSONField(default=dict)
    actions = models.JSONField(default=list)
    stop_processing = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.name


class TriggerRun(models.Model):
    """One firing of a trigger on a ticket: the event, why it matched, what it changed,
    the side effects done or skipped (with the reason), and whether the firing cap or
    `stop_processing` ended the run there. The admin pages' log; the ticket carries the
    same as a `triggered` event. The name is kept when the trigger is deleted."""

    trigger = models.ForeignKey(
        Trigger, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    trigger_name = models.CharField(max_length=100)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="trigger_runs"
    )
    event = models.CharField(max_length=20)
    why = models.JSONField(default=list)
    changes = models.JSONField(default=dict)
    effects = models.JSONField(default=list)
    skipped = models.JSONField(default=dict)
    stopped = models.BooleanField(default=False)
    capped = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["created_at", "id"], name="trigger_run_recent"),
            models.Index(fields=["ticket", "created_at"], name="trigger_run_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.trigger_name} on {self.ticket_id}"


class TimeRule(models.Model):
    """Checked by the scheduler every few minutes over the tickets that may match: when a
    ticket meets `condition` (typically with `hours_since.*`), run `actions`, once per
    episode (`TimeRuleRun`). Time rules run in `position` order, each on its own."""

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    condition = models.JSONField(default=dict)
    actions = models.JSONField(default=list)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.name


class TimeRuleRun(models.Model):
    """A time rule acted on a ticket in one episode of its condition. `episode` names the
    moments the rule's `hours_since.*` counted from (or, without any, when the status last
    changed): while they stay the same, the rule does not act again, however many
    schedulers check it and however often. Inserting the row is the claim."""

    rule = models.ForeignKey(TimeRule, on_delete=models.CASCADE, related_name="runs")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="time_rule_runs"
    )
    episode = models.CharField(max_length=500)
    why = models.JSONField(default=list)
    changes = models.JSONField(default=dict)
    effects = models.JSONField(default=list)
    skipped = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["rule", "ticket", "episode"], name="time_rule_run_once"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["created_at", "id"], name="time_rule_run_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} on {self.ticket_id} ({self.episode})"
