from django.db import models


class OutboundState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboundKind(models.TextChoices):
    """Why the mail goes out. Only `reply` carries a person's words; the others are
    automatic and carry `Auto-Submitted` (RFC 3834)."""

    REPLY = "reply", "Agent reply"
    ACKNOWLEDGMENT = "acknowledgment", "Acknowledgment"
    NOTIFICATION = "notification", "Notification"
    APPROVAL = "approval", "Approval request"


class AutoSubmitted(models.TextChoices):
    NO = "", "No"
    AUTO_REPLIED = "auto-replied", "auto-replied"
    AUTO_GENERATED = "auto-generated", "auto-generated"
