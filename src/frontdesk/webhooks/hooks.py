"""Where webhooks plug into ticket events and triggers (connected by `apps.py`).

- Ticket events: `triggers.hooks` tells its listeners about every event after the triggers
  ran, inside the event's transaction. With no webhook subscribed to the event's type
  (`subscriptions`, cached per process) that is one dictionary lookup; otherwise a delivery
  row per subscribed webhook, whose task is enqueued on commit.
- Triggers: the `webhook` action (`{"type": "webhook", "webhook_id": N}`) queues a
  `ticket.triggered` delivery to that webhook, whatever it subscribes to.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from frontdesk.accounts.models import User
from frontdesk.automation.actions import WebhookEffect
from frontdesk.tickets.events import FieldChange
from frontdesk.tickets.models import Ticket
from frontdesk.webhooks import payloads
from frontdesk.webhooks.choices import EventType

# Trigger event kinds (automation.conditions.EventKind) -> the webhook event types they may be.
KIND_TYPES: dict[str, tuple[str, ...]] = {
    "created": (EventType.TICKET_CREATED,),
    "updated": (EventType.TICKET_UPDATED, EventType.TICKET_NOTE_ADDED),
    "status_changed": (EventType.TICKET_UPDATED,),
    "assigned": (EventType.TICKET_UPDATED,),
    "customer_replied": (EventType.TICKET_REPLIED,),
    "agent_replied": (EventType.TICKET_REPLIED,),
    "sla_warning": (EventType.TICKET_SLA_WARNING,),
    "sla_breach": (EventType.TICKET_SLA_BREACH,),
}


def wants(kind: str) -> bool:
    """Whether any active webhook could want an event of this kind (cheap, cached)."""
    from frontdesk.webhooks.subscriptions import subscribed

    table = subscribed()
    return any(table.get(t) for t in KIND_TYPES.get(kind, ()))


def event_type_of(kind: str, changes: Sequence[FieldChange], body: str) -> str | None:
    types = KIND_TYPES.get(kind, ())
    if kind == "updated":
        # An internal note is an `updated` event with the note's text and no field change.
        return EventType.TICKET_NOTE_ADDED if body and not changes else EventType.TICKET_UPDATED
    return types[0] if types else None


def on_ticket_event(
    ticket: Ticket,
    kind: str,
    *,
    actor: User | None,
    now: datetime,
    changes: Sequence[FieldChange],
    body: str,
) -> None:
    from frontdesk.webhooks.actions import queue_ticket_event
    from frontdesk.webhooks.subscriptions import subscribers

    event_type = event_type_of(kind, changes, body)
    if event_type is None or not subscribers(event_type):
        return
    extra: dict[str, Any] = {"event": kind, "changes": payloads.changes_data(changes)}
    if event_type in (EventType.TICKET_REPLIED, EventType.TICKET_NOTE_ADDED):
        extra["message"] = payloads.message_data(
            body, author=actor, public=event_type == EventType.TICKET_REPLIED
        )
    queue_ticket_event(ticket, event_type, now=now, actor=actor, extra=extra)


def call_webhook(context: Any, effect: WebhookEffect) -> Any:
    """The triggers' `webhook` action: queue a `ticket.triggered` delivery."""
    from frontdesk.triggers.actions.apply import EffectOutcome, skipped
    from frontdesk.webhooks.actions import queue_ticket_event
    from frontdesk.webhooks.models import Webhook

    webhook = Webhook.objects.filter(pk=effect.webhook_id).only("pk", "is_active").first()
    if webhook is None:
        return skipped(f"no webhook with id {effect.webhook_id}")
    if not webhook.is_active:
        return skipped("the webhook is disabled")
    queued = queue_ticket_event(
        context.ticket,
        EventType.TICKET_TRIGGERED,
        now=context.now,
        webhook_ids=[webhook.pk],
        extra={"trigger": {"rule": context.rule_name, "event": context.event}},
    )
    if not queued:
        return skipped(f"no webhook with id {effect.webhook_id}")
    return EffectOutcome(done=True, detail={"delivery_id": queued[0].pk})


def connect() -> None:
    from frontdesk.triggers.actions import register_effect
    from frontdesk.triggers.hooks import EventListener, add_listener

    register_effect(WebhookEffect, call_webhook)
    add_listener(EventListener("webhooks", wants=wants, on_event=on_ticket_event))
