"""Customer satisfaction: one survey per solved ticket and its rating (docs/knowledge-base.md,
"Satisfaction (CSAT)").

`Survey` is created when a ticket is first solved (types switched off by a `CsatSetting`
row get none) and holds the rating, good or bad, with an optional comment. The emailed
link's token is stored as its SHA-256 only. `agent` and `team` are who had the ticket when
it was solved: reports count the rating for them.
"""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from frontdesk.csat.choices import Rating, SkipReason


class CsatSetting(models.Model):
    """Whether tickets of a type get a survey. No row: they do."""

    ticket_type = models.CharField(max_length=20, unique=True)
    enabled = models.BooleanField(default=True)

    class Meta:
        db_table = "csat_setting"

    def __str__(self) -> str:
        return f"{self.ticket_type}: {'on' if self.enabled else 'off'}"


class Survey(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="csat_survey"
    )
    requester = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket_type = models.CharField(max_length=20)
    solved_at = models.DateTimeField()
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    email = models.ForeignKey(
        "outbox.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    skipped = models.CharField(
        max_length=20,
        choices=SkipReason.choices,
        blank=True,
        default="",
        help_text="Why no email was sent (the portal still asks).",
    )
    rating = models.CharField(max_length=4, choices=Rating.choices, blank=True, default="")
    comment = models.TextField(blank=True, default="")
    first_rated_at = models.DateTimeField(null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "csat_survey"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(rating__in=["", *Rating.values]), name="csat_rating_valid"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["rated_at"], name="csat_rated", condition=~Q(rating="")),
            models.Index(fields=["agent", "rated_at"], name="csat_agent"),
        ]

    def __str__(self) -> str:
        return f"survey {self.ticket_id} {self.rating or '-'}"
