"""The fields the triage model predicts and what it may do with each."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TriageField(models.TextChoices):
    TEAM = "team", _("Team")
    CATEGORY = "category", _("Category")
    PRIORITY = "priority", _("Priority")
    TYPE = "type", _("Type")
    TAGS = "tags", _("Tags")


class Mode(models.TextChoices):
    """What the model's prediction for a field does on a new ticket.

    off: nothing is predicted. shadow: predicted and logged only; the ticket never changes.
    suggest: logged and shown to the agent on the ticket page, accepted with one click.
    auto: applied at creation when the confidence reaches the field's threshold and neither
    the creator, a routing rule nor the channel set the field; otherwise as suggest.
    """

    OFF = "off", _("Off")
    SHADOW = "shadow", _("Shadow (log only)")
    SUGGEST = "suggest", _("Suggest to agents")
    AUTO = "auto", _("Apply automatically above the threshold")


class Outcome(models.TextChoices):
    """What became of a prediction."""

    PENDING = "pending", _("Pending")
    APPLIED = "applied", _("Applied at creation")
    ACCEPTED = "accepted", _("Accepted by an agent")
    DISMISSED = "dismissed", _("Dismissed by an agent")
    SETTLED = "settled", _("Settled (ticket solved)")


class TrainingState(models.TextChoices):
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
