"""The triggers' `apply_macro` action (`{"type": "apply_macro", "macro_id": N}`),
registered by `apps.py`.

A trigger applies an active macro of any visibility: its field changes are made by the
system through the ticket appliers (one the ticket refuses is skipped, with the reason in
the trigger's record), and its text, rendered for the ticket (`{{agent.*}}` is the
assignee, empty when there is none), is added as an internal note by the system, never a
public reply: nobody reads an automatic text before the customer would. The changes are an
event for the triggers, inside the firing cap of the chain.
"""

from typing import Any

from frontdesk.automation.actions import MacroEffect


def apply_macro_effect(context: Any, effect: MacroEffect) -> Any:
    from frontdesk.core.errors import DomainError
    from frontdesk.macros import actions, placeholders
    from frontdesk.macros.models import Macro
    from frontdesk.tickets.actions._common import save_ticket, touch
    from frontdesk.tickets.actions.update import APPLIERS
    from frontdesk.tickets.choices import Channel, EventAction, MessageKind, StatusCategory
    from frontdesk.tickets.content import markdown_to_html
    from frontdesk.tickets.events import SYSTEM_ORIGIN, record_changes, record_event
    from frontdesk.tickets.models import Message
    from frontdesk.triggers.actions.apply import EffectOutcome, skipped
    from frontdesk.triggers.hooks import update_event

    ticket, now = context.ticket, context.now
    macro = Macro.objects.filter(pk=effect.macro_id, is_active=True).first()
    if macro is None:
        return skipped(f"no active macro with id {effect.macro_id}")
    if ticket.status_category == StatusCategory.CLOSED:
        return skipped("closed tickets cannot be changed")
    detail: dict[str, Any] = {"macro": macro.name}
    changes, _ = actions.ticket_changes(macro, ticket)
    applied, refused = [], {}
    for name in sorted(changes, key=lambda n: 0 if n == "team_id" else 1):
        try:
            change = APPLIERS[name](ticket, changes[name], now)
        except DomainError as exc:
            refused[name] = exc.message
            continue
        if change is not None:
            applied.append(change)
    if applied:
        touch(ticket, now)
        save_ticket(ticket, now)
        record_changes(ticket, applied, actor=None, origin=SYSTEM_ORIGIN, now=now)
        detail["changes"] = {c.field: c.new for c in applied}
    if refused:
        detail["skipped"] = refused
    text = placeholders.render(macro.body, actions.placeholder_values(ticket, ticket.assignee)).text
    if text.strip():
        message = Message.objects.create(
            ticket=ticket,
            kind=MessageKind.NOTE,
            is_public=False,
            author=None,
            body_text=text,
            body_html=markdown_to_html(text),
            channel=Channel.SYSTEM,
            created_at=now,
        )
        record_event(
            ticket,
            EventAction.NOTED,
            actor=None,
            origin=SYSTEM_ORIGIN,
            now=now,
            new={"message_id": message.pk},
        )
        detail["message_id"] = message.pk
    actions.count_use(macro, now=now)
    if applied:
        update_event(ticket, applied, actor=None, now=now)
    return EffectOutcome(done=True, detail=detail)


def connect() -> None:
    from frontdesk.triggers.actions import register_effect

    register_effect(MacroEffect, apply_macro_effect)
