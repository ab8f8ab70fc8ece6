"""The ticket page's conversation: messages and audit events as one time-ordered list.

Pure presentation: it takes rows already read through the permission gate and returns
entries for the template. Events that only repeat a message ("replied", "noted") are left
out; field changes name the people and teams instead of showing ids.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from frontdesk.tickets.choices import EventAction, MessageKind
from frontdesk.tickets.models import Message, TicketEvent

HIDDEN_ACTIONS = frozenset({EventAction.CREATED, EventAction.REPLIED, EventAction.NOTED})
PEOPLE_FIELDS = frozenset({"assignee_id", "assignee"})
TEAM_FIELDS = frozenset({"team_id", "team"})
SLA_ACTIONS = frozenset({EventAction.SLA_WARNING, EventAction.SLA_BREACH, EventAction.ESCALATED})


@dataclass(frozen=True)
class Entry:
    kind: str  # "reply", "note", "system" or "event"
    at: datetime
    message: Message | None = None
    event: TicketEvent | None = None
    text: str = ""


def build_timeline(
    messages: Iterable[Message],
    events: Iterable[TicketEvent],
    names: Mapping[str, Mapping[int, str]],
) -> list[Entry]:
    entries = [Entry(kind=_message_kind(m), at=m.created_at, message=m) for m in messages]
    entries += [
        Entry(kind="event", at=e.created_at, event=e, text=describe_event(e, names))
        for e in events
        if e.action not in HIDDEN_ACTIONS
    ]
    return sorted(entries, key=lambda entry: entry.at)


def _message_kind(message: Message) -> str:
    return "note" if message.kind == MessageKind.NOTE else str(message.kind)


def referenced_ids(events: Sequence[TicketEvent]) -> dict[str, set[int]]:
    """The user and team ids that field-change events mention, to look their names up."""
    wanted: dict[str, set[int]] = {"users": set(), "teams": set()}
    for event in events:
        if event.action == EventAction.AUTO_ASSIGNED and isinstance(event.new_value, dict):
            assignee = event.new_value.get("assignee")
            wanted["users"].update([assignee] if isinstance(assignee, int) else [])
            skipped = event.new_value.get("skipped")
            if isinstance(skipped, dict):
                wanted["users"].update(int(k) for k in skipped if str(k).isdigit())
        if _is_tier_escalation(event):
            tiers = event.new_value or {}
            wanted["teams"].update(
                v for v in (tiers.get("from_team"), tiers.get("to_team")) if isinstance(v, int)
            )
        if event.action == EventAction.TRIGGERED:
            wanted["users"].update(triggered_user_ids(event.new_value))
        bucket = _bucket(event.field)
        if bucket:
            wanted[bucket].update(
                v for v in (event.old_value, event.new_value) if isinstance(v, int)
            )
    return wanted


def _bucket(field: str) -> str | None:
    if field in PEOPLE_FIELDS:
        return "users"
    if field in TEAM_FIELDS:
        return "teams"
    return None


def describe_event(event: TicketEvent, names: Mapping[str, Mapping[int, str]]) -> str:
    actor = str(event.actor) if event.actor else _("Frontdesk")
    if _is_tier_escalation(event):
        return _describe_tier_escalation(actor, event.new_value or {}, names.get("teams", {}))
    if event.action in SLA_ACTIONS:
        return _("%(actor)s: %(what)s (%(metric)s)") % {
            "actor": actor,
            "what": event.get_action_display(),
            "metric": event.field.replace("_", " "),
        }
    if event.action == EventAction.AUTO_ASSIGNED:
        return _describe_auto_assignment(actor, event.new_value, names.get("users", {}))
    if event.action == EventAction.ROUTED:
        return describe_routing(event.new_value)
    if event.action == EventAction.TRIGGERED:
        return describe_triggered(event.new_value, names.get("users", {}))
    if event.action != EventAction.CHANGED:
        return f"{actor}: {event.get_action_display()}{_detail(event.new_value)}"
    bucket = _bucket(event.field)
    old = _name(event.old_value, names.get(bucket or "", {}))
    new = _name(event.new_value, names.get(bucket or "", {}))
    field = event.field.removesuffix("_id").replace("_", " ")
    return _("%(actor)s changed %(field)s from %(old)s to %(new)s") % {
        "actor": actor,
        "field": field,
        "old": old,
        "new": new,
    }


def _is_tier_escalation(event: TicketEvent) -> bool:
    """A ticket escalated by hand to the next tier (the SLA's escalations name a metric)."""
    return (
        event.action == EventAction.ESCALATED
        and event.field == "tier"
        and isinstance(event.new_value, dict)
    )


def _describe_tier_escalation(actor: str, value: dict[str, Any], teams: Mapping[int, str]) -> str:
    text = _("%(actor)s escalated it from %(old)s to %(new)s") % {
        "actor": actor,
        "old": _name(value.get("from_team"), teams),
        "new": _name(value.get("to_team"), teams),
    }
    note = value.get("note")
    return f"{text}: “{note}”" if isinstance(note, str) and note else text


def _describe_auto_assignment(actor: str, value: Any, people: Mapping[int, str]) -> str:
    details = value if isinstance(value, dict) else {}
    assignee = details.get("assignee")
    reason = str(details.get("reason") or "")
    skipped = details.get("skipped")
    if isinstance(skipped, dict) and skipped:
        passed = ", ".join(
            f"{_name(int(k) if str(k).isdigit() else k, people)} ({why})"
            for k, why in sorted(skipped.items())
        )
        reason += "; " + _("passed over: %(agents)s") % {"agents": passed}
    if assignee is None:
        return _("%(actor)s: nobody assigned automatically (%(reason)s)") % {
            "actor": actor,
            "reason": reason,
        }
    return _("%(actor)s assigned %(agent)s automatically (%(reason)s)") % {
        "actor": actor,
        "agent": _name(assignee, people),
        "reason": reason,
    }


_ROUTING_ORDER = {
    name: i for i, name in enumerate(("team", "category", "priority", "type", "tags"))
}


def describe_routing(value: Any) -> str:
    """`Rule “VIP” routed it: team billing, priority high, tags +vip; kept as created:
    priority; skipped: category (no category 'gone')`."""
    details = value if isinstance(value, dict) else {}
    changes = details.get("changes")
    changes = changes if isinstance(changes, dict) else {}
    # In a fixed order: PostgreSQL's jsonb does not keep the keys' order.
    ordered = sorted(changes.items(), key=lambda item: _ROUTING_ORDER.get(item[0], 99))
    parts = [_routing_change(name, value) for name, value in ordered]
    text = _("Rule “%(rule)s” routed it: %(changes)s") % {
        "rule": details.get("rule", "?"),
        "changes": ", ".join(parts) or _("no change"),
    }
    kept = details.get("kept")
    if isinstance(kept, list) and kept:
        text += "; " + _("kept as created: %(fields)s") % {"fields": ", ".join(map(str, kept))}
    skipped = details.get("skipped")
    if isinstance(skipped, dict) and skipped:
        reasons = ", ".join(f"{name} ({reason})" for name, reason in skipped.items())
        text += "; " + _("skipped: %(reasons)s") % {"reasons": reasons}
    return text


def _routing_change(name: str, value: Any) -> str:
    if name == "tags" and isinstance(value, dict):
        tags = [f"+{t}" for t in value.get("added", [])]
        tags += [f"-{t}" for t in value.get("removed", [])]
        return f"tags {' '.join(tags)}"
    if name == "custom_fields" and isinstance(value, dict):
        return ", ".join(f"{key} {_name(v, {})}" for key, v in value.items())
    return f"{name} {_name(value, {})}"


_TRIGGER_ORDER = {
    name: i
    for i, name in enumerate(
        ("status", "priority", "type", "team", "category", "assignee_id", "tags")
    )
}


def describe_triggered(
    value: Any, people: Mapping[int, str] | None = None, *, planned: bool = False
) -> str:
    """What a trigger or time rule did (a `triggered` event's value, see
    docs/automation.md): `Trigger “Notify VIP” ran: priority high, tags +vip; note added`.
    With `planned` (the dry run), what it would do."""
    details = value if isinstance(value, dict) else {}
    people = people or {}
    rule = str(details.get("rule") or "?")
    if details.get("capped") and not details.get("changes") and not details.get("effects"):
        return _("Trigger “%(rule)s” not run: the firing cap was reached") % {"rule": rule}
    changes = details.get("changes")
    changes = changes if isinstance(changes, dict) else {}
    # In a fixed order: PostgreSQL's jsonb does not keep the keys' order.
    ordered = sorted(changes.items(), key=lambda item: _TRIGGER_ORDER.get(item[0], 99))
    parts = [_trigger_change(name, change, people) for name, change in ordered]
    effects = details.get("effects")
    done = [
        _trigger_effect(effect, people, planned=planned)
        for effect in (effects if isinstance(effects, list) else [])
        if isinstance(effect, dict)
    ]
    what = ", ".join(parts)
    if done:
        what = f"{what}; {', '.join(done)}" if what else ", ".join(done)
    values = {"rule": rule, "what": what or _("no change")}
    if details.get("kind") == "time_rule":
        text = (
            _("Time rule “%(rule)s” would run: %(what)s")
            if planned
            else _("Time rule “%(rule)s” ran: %(what)s")
        ) % values
    else:
        text = (
            _("Trigger “%(rule)s” would run: %(what)s")
            if planned
            else _("Trigger “%(rule)s” ran: %(what)s")
        ) % values
    skipped = details.get("skipped")
    if isinstance(skipped, dict) and skipped:
        reasons = ", ".join(f"{name} ({reason})" for name, reason in sorted(skipped.items()))
        text += "; " + _("skipped: %(reasons)s") % {"reasons": reasons}
    if details.get("stopped"):
        text += "; " + _("later triggers were not checked")
    if details.get("capped"):
        text += "; " + _("the firing cap was reached")
    return text


def triggered_user_ids(value: Any) -> set[int]:
    """The people a `triggered` event's value names: an assignee, followers."""
    details = value if isinstance(value, dict) else {}
    found: set[int] = set()
    changes = details.get("changes")
    if isinstance(changes, dict) and isinstance(changes.get("assignee_id"), int):
        found.add(changes["assignee_id"])
    effects = details.get("effects")
    for effect in effects if isinstance(effects, list) else []:
        if isinstance(effect, dict):
            found.update(
                v for k in ("user_id", "assignee_id") if isinstance(v := effect.get(k), int)
            )
    return found


def _trigger_change(name: str, value: Any, people: Mapping[int, str]) -> str:
    if name == "assignee_id":
        return _("assignee %(name)s") % {"name": _name(value, people)}
    return _routing_change(name, value)


def _trigger_effect(effect: dict[str, Any], people: Mapping[int, str], *, planned: bool) -> str:
    kind = effect.get("type")
    to = str(effect.get("to") or "?")
    who = _name(effect.get("user_id"), people)
    plans = {
        "add_note": _("add a note"),
        "add_follower": _("add follower %(name)s") % {"name": who},
        "assign": _("assign (%(strategy)s)") % {"strategy": effect.get("strategy") or "?"},
        "send_email": _("email %(to)s (%(template)s)")
        % {"to": to, "template": effect.get("template") or "?"},
        "webhook": _("call webhook %(id)s") % {"id": effect.get("webhook_id")},
        "apply_macro": _("apply macro %(id)s") % {"id": effect.get("macro_id")},
    }
    plan = plans.get(str(kind), str(kind))
    if planned or "done" not in effect:
        return plan
    if not effect["done"]:
        return _("%(plan)s: skipped (%(reason)s)") % {
            "plan": plan,
            "reason": effect.get("reason") or "?",
        }
    match kind:
        case "add_note":
            return _("note added")
        case "add_follower":
            return _("follower %(name)s added") % {"name": who}
        case "assign":
            return _("assigned to %(name)s") % {"name": _name(effect.get("assignee_id"), people)}
        case "send_email" if effect.get("email") == "queued":
            return _("email to %(to)s queued") % {"to": to}
        case "send_email":
            return _("%(to)s told in the app") % {"to": to}
        case "webhook":
            return _("webhook %(id)s called") % {"id": effect.get("webhook_id")}
        case "apply_macro":
            return _("macro %(id)s applied") % {"id": effect.get("macro_id")}
    return plan


def _name(value: Any, names: Mapping[int, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, int) and value in names:
        return names[value]
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _detail(value: Any) -> str:
    if isinstance(value, dict) and "number" in value:
        return f" #{value['number']}"
    return ""
