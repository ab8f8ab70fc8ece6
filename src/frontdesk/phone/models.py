"""Phone calls logged by agents, and the numbers callers are known by.

Only `phone.actions` writes these rows. A `CallerNumber` ties a normalised number to a
person, so the next call from it finds them (and their tickets) without typing an
address. A `CallLog` records one call: on which ticket, as which message, who took it.
"""

from django.db import models

from frontdesk.phone.choices import Direction


class CallerNumber(models.Model):
    number = models.CharField(max_length=21, unique=True)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.number


class CallLog(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        "tickets.Message", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agent = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    caller = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    direction = models.CharField(max_length=10, choices=Direction.choices)
    number = models.CharField(max_length=21)
    duration_seconds = models.PositiveIntegerField(default=0)
    recording_url = models.URLField(max_length=2000, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        return f"{self.direction} {self.number}"
