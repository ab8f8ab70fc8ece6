"""Slack threads, people and events. Only `slack.actions` writes these rows.

- `SlackThread`: a Slack message thread (channel, the top message's `ts`) and its ticket;
  replies in the thread become ticket messages, agent replies are posted back into it.
- `SlackIdentity`: a Slack user and the person they are here (matched by email address,
  so one customer's Slack and email tickets stay together).
- `SlackEvent`: the Events API ids seen, so Slack's retries and replays are applied once.
- `SlackReply`: an agent reply to post into a thread, with its delivery state.
"""

from django.db import models


class SlackThread(models.Model):
    channel = models.CharField(max_length=32)
    thread_ts = models.CharField(max_length=32)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "thread_ts"], name="slack_thread_unique")
        ]
        indexes = [models.Index(fields=["ticket"])]

    def __str__(self) -> str:
        return f"{self.channel}/{self.thread_ts}"


class SlackIdentity(models.Model):
    slack_user_id = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.slack_user_id


class SlackEvent(models.Model):
    event_id = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.event_id


class SlackReply(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    thread = models.ForeignKey(SlackThread, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    slack_ts = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.thread_id}:{self.state}"
