"""Carrying out what fired triggers and time rules planned, and the record of it.

Field changes go through the same appliers as `tickets.actions.update_ticket`, so a rule
can do nothing to a ticket that an agent's update could not (an unknown status, an
assignee outside the team): such a change is skipped and the record says why. Nothing a
rule does can make the event that ran it fail. The changes do not run triggers again:
the engine's re-evaluation inside the run has already let every trigger see them.

Side effects go through `EFFECT_HANDLERS`, one handler per effect type. Emails, webhooks
and macros are delivered by other apps; until one registers its handler (or, for email,
`frontdesk.outbox.actions.queue_email` exists), the effect is recorded as skipped with the
reason.
"""

import dataclasses
import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Team, User
from frontdesk.automation.actions import (
    AssignEffect,
    Effect,
    FollowerEffect,
    MacroEffect,
    NoteEffect,
    NotifyEffect,
    WebhookEffect,
    apply_changes,
)
from frontdesk.automation.conditions import TicketFacts
from frontdesk.automation.rules import RunResult
from frontdesk.core.errors import DomainError
from frontdesk.notifications.actions import notify, notify_assigned, ticket_label
from frontdesk.notifications.choices import NotificationKind
from frontdesk.routing.actions import assign_automatically, record_auto_assignment
from frontdesk.tickets.choices import Channel, EventAction, MessageKind, StatusCategory
from frontdesk.tickets.content import text_to_html
from frontdesk.tickets.events import SYSTEM_ORIGIN, FieldChange, record_changes, record_event
from frontdesk.tickets.models import Message, Ticket, TicketFollower

log = logging.getLogger(__name__)


@dataclass
class EffectContext:
    """What an effect handler may need: the (locked) ticket, when, and which rule asked."""

    ticket: Ticket
    now: datetime
    rule_name: str
    event: str


@dataclass(frozen=True)
class EffectOutcome:
    """What became of one effect: done, or skipped with the reason; `detail` is recorded."""

    done: bool
    detail: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""


type EffectHandler = Callable[[EffectContext, Any], EffectOutcome]


def skipped(reason: str) -> EffectOutcome:
    return EffectOutcome(done=False, reason=reason)


# --- the firings' record ------------------------------------------------------------------


@dataclass
class FiringRecord:
    """One fired rule: why it matched, the changes made and skipped, the effects."""

    rule_id: int
    name: str
    why: list[str]
    changes: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    effects: list[dict[str, Any]] = field(default_factory=list)
    stopped: bool = False
    capped: bool = False

    def event_value(self, kind: str, event: str) -> dict[str, Any]:
        value: dict[str, Any] = {
            "kind": kind,
            "rule_id": self.rule_id or None,
            "rule": self.name,
            "event": event,
            "why": self.why,
            "changes": self.changes,
            "effects": self.effects,
        }
        if self.skipped:
            value["skipped"] = self.skipped
        if self.stopped:
            value["stopped"] = True
        if self.capped:
            value["capped"] = True
        return value


def describe_effect(effect: Effect) -> dict[str, Any]:
    data = dataclasses.asdict(effect)
    data["type"] = _EFFECT_NAMES[type(effect)]
    return data


_EFFECT_NAMES: dict[type, str] = {
    NotifyEffect: "send_email",
    NoteEffect: "add_note",
    WebhookEffect: "webhook",
    MacroEffect: "apply_macro",
    FollowerEffect: "add_follower",
    AssignEffect: "assign",
}


# --- carrying out -------------------------------------------------------------------------


@dataclass
class Outcome:
    """The record of each firing, in order, and the field changes made (for the events
    they cause in turn, such as a time rule's status change running the triggers)."""

    records: list[FiringRecord]
    applied: list[FieldChange] = field(default_factory=list)


def carry_out(
    ticket: Ticket,
    result: RunResult,
    original: TicketFacts,
    *,
    now: datetime,
    event: str,
) -> Outcome:
    """Make the run's changes to the (locked, saved) ticket, then its side effects."""
    records = [
        FiringRecord(
            fired.rule_id,
            fired.name,
            list(fired.explanation),
            stopped=fired.rule_id == result.stopped_by,
        )
        for fired in result.fired
    ]
    if not records:
        return Outcome(records)
    if result.capped:
        records[-1].capped = True
    skipped_changes, applied = _apply_changes(ticket, result, now=now)
    _attribute_changes(records, result, original, skipped_changes)
    for effect in result.plan.effects:
        outcome = _run_effect(EffectContext(ticket, now, "", event), effect, records, result)
        entry = {**describe_effect(effect), **outcome.detail}
        entry["done"] = outcome.done
        if outcome.reason:
            entry["reason"] = outcome.reason
        _owner(records, result, effect).effects.append(entry)
    return Outcome(records, applied)


def _run_effect(
    context: EffectContext, effect: Effect, records: list[FiringRecord], result: RunResult
) -> EffectOutcome:
    context.rule_name = _owner(records, result, effect).name
    handler = EFFECT_HANDLERS.get(type(effect))
    if handler is None:
        return skipped(unavailable_reason(effect))
    try:
        return handler(context, effect)
    except DomainError as exc:
        return skipped(exc.message)


def _owner(records: list[FiringRecord], result: RunResult, effect: Effect) -> FiringRecord:
    """The firing an effect is recorded under: the first that asked for it (for an
    assignment by strategy, the last that asked for one, which the engine kept)."""
    firings = list(zip(records, result.fired, strict=True))
    if isinstance(effect, AssignEffect):
        for record, fired in reversed(firings):
            if any(isinstance(e, AssignEffect) for e in fired.plan.effects):
                return record
    for record, fired in firings:
        if effect in fired.plan.effects:
            return record
    return records[-1]


def _attribute_changes(
    records: list[FiringRecord],
    result: RunResult,
    original: TicketFacts,
    skipped_changes: Mapping[str, str],
) -> None:
    """Each firing's own changes (tags as added/removed), without the skipped ones."""
    before = original
    for record, fired in zip(records, result.fired, strict=True):
        for name, value in fired.plan.changes.items():
            if name in skipped_changes:
                record.skipped[name] = skipped_changes[name]
            elif name == "tags":
                after = frozenset(value)
                record.changes["tags"] = {
                    "added": sorted(after - before.tags),
                    "removed": sorted(before.tags - after),
                }
            elif name == "custom_fields":
                done = {k: v for k, v in value.items() if f"custom.{k}" not in skipped_changes}
                record.skipped.update({k: r for k, r in skipped_changes.items() if k[7:] in value})
                if done:
                    record.changes["custom_fields"] = done
            else:
                record.changes[name] = value
        before = apply_changes(before, fired.plan.changes, status_categories=None)


# Engine change key -> the `update_ticket` applier, in the order they must run (the team
# before the assignee is checked against it).
_ORDER = ("team", "status", "priority", "type", "category", "assignee_id", "tags")


def _apply_changes(
    ticket: Ticket, result: RunResult, *, now: datetime
) -> tuple[dict[str, str], list[FieldChange]]:
    """Make the merged plan's changes; returns the skipped ones with the reason, and the
    ones made. Saves the ticket and records one `changed` event per field, by the system."""
    from frontdesk.tickets.actions._common import save_ticket, touch
    from frontdesk.tickets.actions.update import APPLIERS

    changes = result.plan.changes
    skipped_changes: dict[str, str] = {}
    applied: list[FieldChange] = []
    assigns = [e for e in result.plan.effects if isinstance(e, AssignEffect)]
    if not changes and not assigns:
        return skipped_changes, applied
    if ticket.status_category == StatusCategory.CLOSED:
        for name in changes:
            skipped_changes[name] = "closed tickets cannot be changed"
        return skipped_changes, applied
    assignee_before = ticket.assignee_id
    for name in _ORDER:
        if name not in changes:
            continue
        value = changes[name]
        try:
            if name == "team":
                change = APPLIERS["team_id"](ticket, _team_id(value), now)
            else:
                change = APPLIERS[name](ticket, value, now)
        except DomainError as exc:
            skipped_changes[name] = exc.message
            continue
        if change is not None and change.field != "assignee":
            applied.append(change)
    for key, value in changes.get("custom_fields", {}).items():
        try:
            change = APPLIERS["custom_fields"](ticket, {key: value}, now)
        except DomainError as exc:
            skipped_changes[f"custom.{key}"] = exc.message
            continue
        if change is not None:
            applied.append(change)
    auto = None
    moved = "assignee_id" not in changes and any(c.field == "team" for c in applied)
    if assigns or moved:
        auto = assign_automatically(ticket, now=now)
    if ticket.assignee_id != assignee_before:
        applied.append(FieldChange("assignee", assignee_before, ticket.assignee_id))
    if applied:
        touch(ticket, now)
        save_ticket(ticket, now)
        record_changes(ticket, applied, actor=None, origin=SYSTEM_ORIGIN, now=now)
        record_auto_assignment(ticket, auto, now=now)
        if ticket.assignee_id not in (None, assignee_before):
            notify_assigned(ticket, actor=None, now=now)
    return skipped_changes, applied


def _team_id(slug: Any) -> int | None:
    if slug is None:
        return None
    team_id = Team.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if team_id is None:
        raise DomainError("unknown_team", f"no team {slug!r}")
    return int(team_id)


# --- the effect handlers ------------------------------------------------------------------


def _assign(context: EffectContext, effect: AssignEffect) -> EffectOutcome:
    # Made with the changes (`_apply_changes`), before the save; here only its record.
    ticket = context.ticket
    if ticket.assignee_id is None:
        return skipped("nobody could be assigned (manual team, no team, or nobody eligible)")
    return EffectOutcome(done=True, detail={"assignee_id": ticket.assignee_id})


def _add_note(context: EffectContext, effect: NoteEffect) -> EffectOutcome:
    ticket = context.ticket
    message = Message.objects.create(
        ticket=ticket,
        kind=MessageKind.NOTE,
        is_public=False,
        author=None,
        body_text=effect.text,
        body_html=text_to_html(effect.text),
        channel=Channel.SYSTEM,
        created_at=context.now,
    )
    record_event(
        ticket,
        EventAction.NOTED,
        actor=None,
        origin=SYSTEM_ORIGIN,
        now=context.now,
        new={"message_id": message.pk},
    )
    return EffectOutcome(done=True, detail={"message_id": message.pk})


def _add_follower(context: EffectContext, effect: FollowerEffect) -> EffectOutcome:
    user = User.objects.filter(pk=effect.user_id, is_active=True).first()
    if user is None:
        return skipped(f"no active user with id {effect.user_id}")
    _, created = TicketFollower.objects.get_or_create(
        ticket=context.ticket, user=user, defaults={"created_at": context.now}
    )
    if not created:
        return skipped("already a follower")
    record_event(
        context.ticket,
        EventAction.FOLLOWED,
        actor=None,
        origin=SYSTEM_ORIGIN,
        now=context.now,
        new=user.pk,
    )
    return EffectOutcome(done=True)


STAFF_RECIPIENTS = ("assignee", "team", "followers", "supervisors")


def recipients(ticket: Ticket, to: str) -> list[User]:
    """The people `to` names on this ticket (an address is nobody we know as a user)."""
    match to:
        case "requester":
            return [ticket.requester]
        case "assignee":
            return [ticket.assignee] if ticket.assignee is not None else []
        case "team":
            if ticket.team_id is None:
                return []
            return list(User.objects.filter(teams=ticket.team_id, is_active=True))
        case "followers":
            return list(ticket.followers.filter(is_active=True))
        case "supervisors":
            supervisors = User.objects.filter(
                is_active=True, role__in=(Role.SUPERVISOR, Role.ADMIN)
            )
            if ticket.team_id is not None:
                in_team = supervisors.filter(teams=ticket.team_id)
                if in_team.exists():
                    return list(in_team)
            return list(supervisors)
    return []


def _send_email(context: EffectContext, effect: NotifyEffect) -> EffectOutcome:
    """Staff among the recipients are told in the app at once (`notify`); the email is
    queued through the outbox when the app provides one."""
    ticket = context.ticket
    people = recipients(ticket, effect.to)
    staff = [p for p in people if p.is_staff]
    told = notify(
        staff,
        kind=NotificationKind.SYSTEM,
        text=f"{context.rule_name}: {ticket_label(ticket)}",
        ticket=ticket,
        now=context.now,
    )
    detail: dict[str, Any] = {"notified": sorted(n.recipient_id for n in told)}
    queue_email = _outbox_queue_email()
    if queue_email is None:
        reason = "outbound email is not available yet"
        if told:
            detail["email"] = f"skipped: {reason}"
            return EffectOutcome(done=True, detail=detail)
        return EffectOutcome(done=False, detail=detail, reason=reason)
    addresses = [effect.to] if "@" in effect.to else [p.email for p in people if p.email]
    if not addresses:
        return EffectOutcome(
            done=bool(told), detail=detail, reason="" if told else "nobody to write to"
        )
    queued = queue_email(ticket=ticket, to=addresses, template=effect.template, now=context.now)
    detail["email"] = "queued"
    detail["queued"] = _ids(queued)
    return EffectOutcome(done=True, detail=detail)


def _ids(queued: Any) -> Any:
    if isinstance(queued, list | tuple):
        return [getattr(item, "pk", None) for item in queued]
    return getattr(queued, "pk", None)


def _outbox_queue_email() -> Callable[..., Any] | None:
    """`frontdesk.outbox.actions.queue_email` once the outbound email app provides it."""
    try:
        module = importlib.import_module("frontdesk.outbox.actions")
    except ImportError:
        return None
    queue_email = getattr(module, "queue_email", None)
    return queue_email if callable(queue_email) else None


EFFECT_HANDLERS: dict[type, EffectHandler] = {
    AssignEffect: _assign,
    NoteEffect: _add_note,
    FollowerEffect: _add_follower,
    NotifyEffect: _send_email,
    # WebhookEffect and MacroEffect: registered by the webhook and macro apps.
}


def register_effect(effect_type: type, handler: EffectHandler) -> None:
    """Let another app carry out an effect type (webhooks, macros); the last one wins."""
    EFFECT_HANDLERS[effect_type] = handler


_UNAVAILABLE = {
    WebhookEffect: "webhooks are not available yet",
    MacroEffect: "macros are not available yet",
}


def unavailable_reason(effect: Effect) -> str:
    return _UNAVAILABLE.get(type(effect), "nothing carries out this action yet")
