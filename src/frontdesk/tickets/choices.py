"""Fixed vocabularies of the ticket domain.

Statuses are admin-defined rows, but each maps onto one fixed `StatusCategory`; SLA,
reports and lifecycle rules look only at the category, so statuses can be renamed freely.
"""

from django.db import models


class StatusCategory(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending"
    ON_HOLD = "on_hold", "On hold"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"


ACTIVE_CATEGORIES = (
    StatusCategory.NEW,
    StatusCategory.OPEN,
    StatusCategory.PENDING,
    StatusCategory.ON_HOLD,
)


class Priority(models.IntegerChoices):
    """Stored as a rank so `priority >= high` is a plain comparison; exposed by name."""

    LOW = 1, "low"
    NORMAL = 2, "normal"
    HIGH = 3, "high"
    URGENT = 4, "urgent"


PRIORITY_BY_NAME = {p.label: p for p in Priority}


class TicketType(models.TextChoices):
    INCIDENT = "incident", "Incident"
    SERVICE_REQUEST = "service_request", "Service request"
    QUESTION = "question", "Question"
    PROBLEM = "problem", "Problem"
    TASK = "task", "Task"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PORTAL = "portal", "Portal"
    API = "api", "API"
    WEB = "web", "Agent workspace"
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"
    SLACK = "slack", "Slack"
    ALERT = "alert", "Monitoring alert"
    SYSTEM = "system", "System"


class MessageKind(models.TextChoices):
    REPLY = "reply", "Public reply"
    NOTE = "note", "Internal note"
    SYSTEM = "system", "System message"


class LinkKind(models.TextChoices):
    RELATED = "related", "Related to"
    DUPLICATE = "duplicate", "Duplicate of"
    PARENT = "parent", "Parent of"


class FieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    CHOICE = "choice", "Choice"
    CHECKBOX = "checkbox", "Checkbox"


class EventAction(models.TextChoices):
    CREATED = "created", "Created"
    CHANGED = "changed", "Field changed"
    REPLIED = "replied", "Public reply"
    NOTED = "noted", "Internal note"
    LINKED = "linked", "Linked"
    UNLINKED = "unlinked", "Unlinked"
    MERGED_INTO = "merged_into", "Merged into another ticket"
    MERGED_FROM = "merged_from", "Another ticket merged in"
    REOPENED = "reopened", "Reopened"
    FOLLOWED = "followed", "Follower added"
    UNFOLLOWED = "unfollowed", "Follower removed"
    ATTACHED = "attached", "Attachment added"
    AUTO_CLOSED = "auto_closed", "Closed after the solved period"
    FOLLOW_UP_CREATED = "follow_up_created", "Follow-up ticket created"
    AUTO_ASSIGNED = "auto_assigned", "Assigned automatically"
    SLA_WARNING = "sla_warning", "SLA target nearly due"
    SLA_BREACH = "sla_breach", "SLA target breached"
    ESCALATED = "escalated", "Escalated"
    APPROVAL_REQUESTED = "approval_requested", "Approval requested"
    APPROVAL_APPROVED = "approval_approved", "Approval granted"
    APPROVAL_REJECTED = "approval_rejected", "Approval rejected"
    APPROVAL_CANCELLED = "approval_cancelled", "Approval withdrawn"
    ROUTED = "routed", "Routed by a rule"
    TRIGGERED = "triggered", "Automation ran"


# Changes a customer may see in the ticket history; everything else stays internal.
PUBLIC_EVENT_ACTIONS = frozenset(
    {
        EventAction.CREATED,
        EventAction.REPLIED,
        EventAction.REOPENED,
        EventAction.MERGED_INTO,
        EventAction.AUTO_CLOSED,
        EventAction.ATTACHED,
    }
)
PUBLIC_CHANGED_FIELDS = frozenset({"status", "subject"})
