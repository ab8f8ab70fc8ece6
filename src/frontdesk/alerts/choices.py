"""Fixed vocabularies of the monitoring-alert channel."""

from django.db import models


class OnResolved(models.TextChoices):
    """What a "resolved" notice does to the alert's ticket."""

    NOTE = "note", "Add a note and keep the ticket open"
    SOLVE = "solve", "Add a note and solve the ticket"


class DedupeBy(models.TextChoices):
    """What makes two notifications the same problem (one open ticket)."""

    ALERT = "alert", "Each alert (Alertmanager fingerprint, generic key)"
    GROUP = "group", "Each notification group (Alertmanager groupKey)"


class AlertState(models.TextChoices):
    FIRING = "firing", "Firing"
    RESOLVED = "resolved", "Resolved"
