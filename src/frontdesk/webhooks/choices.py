from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What a webhook subscribes to. `ticket.triggered` is sent only by a trigger's
    `webhook` action, to the webhook it names."""

    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_UPDATED = "ticket.updated", _("Ticket updated (fields, status, assignee)")
    TICKET_REPLIED = "ticket.replied", _("Public reply (customer or agent)")
    TICKET_NOTE_ADDED = "ticket.note_added", _("Internal note added")
    TICKET_SLA_WARNING = "ticket.sla_warning", _("SLA warning")
    TICKET_SLA_BREACH = "ticket.sla_breach", _("SLA breach")
    TICKET_TRIGGERED = "ticket.triggered", _("Sent by a trigger")
    PING = "ping", _("Test delivery")


# The types a subscription may list (the others are sent on request).
SUBSCRIBABLE = (
    EventType.TICKET_CREATED,
    EventType.TICKET_UPDATED,
    EventType.TICKET_REPLIED,
    EventType.TICKET_NOTE_ADDED,
    EventType.TICKET_SLA_WARNING,
    EventType.TICKET_SLA_BREACH,
)


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")
