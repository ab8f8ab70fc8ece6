"""Generic inbound webhook sources and the external records they opened tickets for.

Only `intake.actions` writes these rows. A source is one sending system with its own
token (only the SHA-256 hash kept) and its field mapping (`mapping.py`). An
`IntakeRecord` ties a source's external id to the ticket it opened, so later posts with
the same id thread onto that ticket instead of opening another.
"""

from django.db import models

from frontdesk.tickets.choices import Channel


class IntakeSource(models.Model):
    name = models.CharField(max_length=200, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    token_hint = models.CharField(max_length=12)
    # The staff account the source acts as (creates tickets, writes update notes).
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    mapping = models.JSONField(default=dict)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.API)
    default_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class IntakeRecord(models.Model):
    source = models.ForeignKey(IntakeSource, on_delete=models.CASCADE, related_name="records")
    external_id = models.CharField(max_length=255)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="intake_one_ticket_per_external_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.external_id}"
