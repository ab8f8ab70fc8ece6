"""Monitoring alert sources and the alerts they reported.

Only `alerts.actions` writes these rows. A source is one sender (an Alertmanager, a
monitoring tool) with its own token, of which only the SHA-256 hash is kept. An `Alert`
is one problem: a fingerprint (or group key) with its ticket. At most one alert per
source and key is open (a partial unique constraint), so repeats of a problem land on one
ticket however many deliveries race.
"""

from django.db import models

from frontdesk.alerts.choices import AlertState, DedupeBy, OnResolved


class AlertSource(models.Model):
    name = models.CharField(max_length=200, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    token_hint = models.CharField(max_length=12)  # the first characters, to tell tokens apart
    # The staff account the source acts as: tickets are created, noted and solved by it.
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    # Whom the tickets are raised for (a contact is created on first use); blank: the actor.
    requester_email = models.EmailField(blank=True)
    default_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_resolved = models.CharField(
        max_length=10, choices=OnResolved.choices, default=OnResolved.NOTE
    )
    dedupe_by = models.CharField(max_length=10, choices=DedupeBy.choices, default=DedupeBy.ALERT)
    # Repeats of a firing alert add at most one note per interval (the rest are counted).
    note_interval_seconds = models.PositiveIntegerField(default=300)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    source = models.ForeignKey(AlertSource, on_delete=models.CASCADE, related_name="alerts")
    key = models.CharField(max_length=255)  # fingerprint or group key
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    is_open = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=AlertState.choices)
    title = models.CharField(max_length=500)
    labels = models.JSONField(default=dict)
    occurrences = models.PositiveIntegerField(default=1)
    unnoted = models.PositiveIntegerField(default=0)  # repeats since the last note
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    last_note_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "key"],
                condition=models.Q(is_open=True),
                name="alerts_one_open_per_key",
            )
        ]
        indexes = [models.Index(fields=["source", "key", "-first_seen_at"])]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.key}"
