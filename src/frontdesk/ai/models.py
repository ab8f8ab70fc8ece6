"""Rows of the offline AI: model versions, per-field settings, the prediction log and
message sentiment. The trained artefacts themselves are files under the data directory
(`store.py`); a row only names its file and the file's SHA-256."""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from frontdesk.ai.choices import Mode, Outcome, TrainingState, TriageField


class TriageModel(models.Model):
    """One trained version. `metrics` holds, per field, the held-out evaluation:
    `{"team": {"accuracy", "macro_f1", "n_train", "n_test", "classes": {label:
    {"precision", "recall", "f1", "support"}}, "skipped": {label: count}}}`."""

    created_at = models.DateTimeField()
    trained_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=TrainingState.choices, default=TrainingState.READY
    )
    error = models.TextField(blank=True, default="")
    n_examples = models.PositiveIntegerField(default=0)
    n_similar = models.PositiveIntegerField(default=0, help_text="Solved tickets indexed.")
    duration_ms = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=100, blank=True, default="")
    sha256 = models.CharField(max_length=64, blank=True, default="")
    min_examples = models.PositiveIntegerField(default=20)
    metrics = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["-pk"]

    def __str__(self) -> str:
        return f"triage model v{self.pk}"


class FieldSetting(models.Model):
    """How the model's prediction for one field is used (`choices.Mode`)."""

    field = models.CharField(max_length=10, choices=TriageField.choices, unique=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.SUGGEST)
    threshold = models.FloatField(
        default=0.9, help_text="Auto-apply only at or above this confidence (0-1)."
    )

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(threshold__gte=0) & Q(threshold__lte=1), name="ai_threshold_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.mode}"


class Prediction(models.Model):
    """One prediction for one field of one ticket, and what the agent finally kept.

    `value` and `final_value` are in the same form: a team or category slug, a priority
    name, a type, one tag name. Production accuracy is the share of settled rows whose
    final value equals the prediction; `final_value` means nothing until `settled_at`."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    model = models.ForeignKey(TriageModel, null=True, on_delete=models.SET_NULL, related_name="+")
    field = models.CharField(max_length=10, choices=TriageField.choices)
    value = models.CharField(max_length=100)
    confidence = models.FloatField()
    mode = models.CharField(max_length=10, choices=Mode.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    final_value = models.CharField(max_length=100, blank=True, default="")
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["ticket", "field"], name="ai_prediction_ticket"),
            models.Index(fields=["field", "settled_at"], name="ai_prediction_settled"),
        ]

    def __str__(self) -> str:
        return f"{self.field}={self.value} ({self.confidence:.2f}) on {self.ticket_id}"


class MessageSentiment(models.Model):
    """VADER's compound score (-1 very negative .. +1 very positive) and an urgency score
    (0..1) of one customer message."""

    message = models.OneToOneField(
        "tickets.Message", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    compound = models.FloatField()
    urgency = models.FloatField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["ticket"], name="ai_sentiment_ticket")]

    def __str__(self) -> str:
        return f"{self.compound:+.2f} on {self.message_id}"
