from django.db import models


class NotificationKind(models.TextChoices):
    """Why someone is told. New kinds need no constraint migration: the column has no
    CHECK on its values, so a producer (SLA, approvals) adds a member and uses it."""

    MENTION = "mention", "Mentioned"
    ASSIGNED = "assigned", "Assigned"
    CUSTOMER_REPLIED = "customer_replied", "Customer replied"
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACH = "sla_breach", "SLA breach"
    ESCALATED = "escalated", "Escalated"
    APPROVAL_REQUESTED = "approval_requested", "Approval requested"
    SYSTEM = "system", "System"
