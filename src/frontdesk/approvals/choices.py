from django.db import models


class ApprovalState(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


class ApproverKind(models.TextChoices):
    """Who decides: one named person, or the supervisors who are members of the ticket's
    team (its "team leads")."""

    USER = "user", "Named approver"
    TEAM_LEAD = "team_lead", "Team lead"
