"""Macros: a named reply text with placeholders and field changes an agent applies.

Only `macros.actions` writes these rows. `actions` is a list in the rule language of
`automation/` restricted to field changes (`placeholders.py` and `actions.py` check both
parts when a macro is saved).
"""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from frontdesk.macros.choices import Visibility


class Macro(models.Model):
    name = models.CharField(max_length=100)
    body = models.TextField(blank=True, default="", help_text="Markdown with {{placeholders}}.")
    actions = models.JSONField(default=list, blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PERSONAL
    )
    owner = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Whose personal macro this is.",
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    usage_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    Q(visibility=Visibility.PERSONAL, owner__isnull=False, team__isnull=True)
                    | Q(visibility=Visibility.TEAM, owner__isnull=True, team__isnull=False)
                    | Q(visibility=Visibility.EVERYONE, owner__isnull=True, team__isnull=True)
                ),
                name="macro_visibility_consistent",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["owner", "name"], name="macro_owner"),
            models.Index(fields=["team", "name"], name="macro_team"),
        ]

    def __str__(self) -> str:
        return self.name
