"""A team's assignment settings and round-robin state (one row per team)."""

from typing import ClassVar

from django.db import models

from frontdesk.routing.choices import AssignmentStrategy


class TeamAssignment(models.Model):
    """How a team's tickets are assigned. A team without a row is manual.

    The row doubles as the team's assignment lock: `actions.assign_automatically` UPDATEs
    it first, so two tickets of the same team are never assigned from the same snapshot of
    the agents' loads (`updated_at` therefore moves with every automatic assignment).
    """

    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, primary_key=True, related_name="assignment"
    )
    strategy = models.CharField(
        max_length=20, choices=AssignmentStrategy.choices, default=AssignmentStrategy.MANUAL
    )
    # The agent who last got a ticket by round robin. A plain id, not a foreign key: the
    # engine orders by id, so the cursor still works after that agent left or was deleted.
    rr_cursor = models.BigIntegerField(null=True, blank=True)
    # Tickets of an agent offline for longer than this go back through assignment; None: never.
    reassign_offline_after_minutes = models.PositiveIntegerField(null=True, blank=True)
    # The next support tier (L1 -> L2 -> L3): where "Escalate" and the SLA escalation
    # `move_to_team` with "next_tier" send the team's tickets. None: the top tier.
    # `configure_team_assignment` refuses a chain that loops back.
    escalates_to = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lower_tiers",
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(strategy__in=AssignmentStrategy.values),
                name="team_assignment_strategy_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy} assignment of team {self.team_id}"


class RoutingRule(models.Model):
    """A routing rule: when a new ticket meets `condition` (the rule language of
    `automation/conditions.py`), its `actions` set the team, category, priority, type, tags
    or custom fields (`routing.rulebook.ROUTING_ACTIONS`). Active rules run in `position`
    order (ties by id); `stop_processing` ends the run when the rule fires. Both JSON
    columns hold the engine's canonical form, as `actions.save_routing_rule` stored them."""

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
